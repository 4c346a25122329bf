"""The admin of complaints.

Routing (categories with their rules, and the learned routing model) is in
:mod:`layanan.complaints.admin_routing` (the ROUTING helper's file); keep the
import below when adding the report admin here.
"""

from __future__ import annotations

from layanan.complaints import admin_routing  # noqa: F401  # registers Category and RoutingModel
