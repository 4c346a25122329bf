"""The platform's URLs plus ``/bench-hello/``: the smallest Django view, through the same middleware."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from layanan.urls import urlpatterns as platform_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"Hello, world\n", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench-hello/", hello, name="bench_hello"), *platform_urlpatterns]
handler500 = "layanan.core.views.server_error"
