"""Adapters to national systems: SP4N-LAPOR!, SIAK (Dukcapil), the villages' OpenSID.

Each adapter is an interface (a small ``Protocol``) with one real HTTP client, configured by
environment variables and off by default; tests run it against a small fake of the remote API
on 127.0.0.1 (``tests/fakes.py``). The app sits beside inbound, survey and assisted: it uses the
applications and complaints services, and neither of them imports it. It learns of their steps
from the timeline rows they write (``signals.py``) and shows what it knows on their pages through
the panels they let others register (docs/integrations.md).
"""
