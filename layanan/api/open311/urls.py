"""``/open311/``: GeoReport v2 under ``v2/``, its discovery file at both levels (docs/open311.md)."""

from django.urls import re_path

from layanan.api.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)"

urlpatterns = [
    re_path(rf"^discovery{FORMAT}$", views.discovery, name="discovery_root"),
    re_path(rf"^v2/discovery{FORMAT}$", views.discovery, name="discovery"),
    re_path(rf"^v2/services{FORMAT}$", views.services, name="services"),
    re_path(rf"^v2/services/(?P<service_code>[-\w]+){FORMAT}$", views.service_definition, name="service"),
    re_path(rf"^v2/requests{FORMAT}$", views.requests, name="requests"),
    re_path(rf"^v2/requests/(?P<service_request_id>[-\w]+){FORMAT}$", views.request_detail, name="request"),
    re_path(rf"^v2/tokens/(?P<token>[-\w]+){FORMAT}$", views.token_detail, name="token"),
]
