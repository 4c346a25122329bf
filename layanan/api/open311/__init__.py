"""Open311 GeoReport v2 at ``/open311/v2/`` (docs/open311.md): services, requests, JSON and XML.

The same selectors and services as the pages: the service list is the active complaint categories,
a request is filed through :func:`layanan.complaints.services.report_submit`, and the requests
anyone may read are the reports of the public list (:func:`layanan.complaints.selectors.public_reports`):
never a confidential one, never anything of the reporter.
"""
