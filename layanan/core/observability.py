"""The request id, the access line and the request metrics: one cheap middleware on every request.

Each request gets an id: the ``X-Request-ID`` the proxy in front set (nginx:
``proxy_set_header X-Request-ID $request_id;``) when it is short and plain
(:data:`REQUEST_ID_PATTERN`), else a fresh random one. The id is

- sent back in the response's ``X-Request-ID``;
- held in a context variable for the request's duration, so every log line
  written meanwhile carries it (``layanan.core.logging.RequestContext``);
- stored with every task enqueued meanwhile (``layanan.core.tasks``), and set
  again by the worker while it runs that task, so the task's log lines carry
  the id of the request that caused them.

The access line (logger ``layanan.access``, INFO, when ``LOG_ACCESS`` is on) says the method,
the URL name, the status and the time, never the path's query string, a form or who the person is
beyond their user id.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from layanan.core.logging import request_id, request_id_bound, request_id_get
from layanan.core.metrics import UNRESOLVED, request_observe

__all__ = ["RequestObservationMiddleware", "request_id_bound", "request_id_get"]

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9-]{8,64}")

access_logger = logging.getLogger("layanan.access")


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in person's id if this request already loaded them (never loads them itself)."""
    user = getattr(request, "user", None)
    loaded = getattr(user, "_wrapped", user)
    if loaded is empty or loaded is None:
        return None
    pk = getattr(loaded, "pk", None)
    return pk if isinstance(pk, int) else None


class RequestObservationMiddleware:
    """Request id in, request id out; the access line; the request counter and latency by URL name.

    Outermost in MIDDLEWARE, so its time covers every other middleware. No database, no cache,
    no lock but prometheus-client's own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.log_access = bool(getattr(settings, "LOG_ACCESS", False))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = offered if offered and REQUEST_ID_PATTERN.fullmatch(offered) else os.urandom(16).hex()
        token = request_id.set(rid)
        try:
            try:
                response = self.get_response(request)
            except BaseException:
                # Even the error page failed (Django turns a view's exception into a 500 response
                # below us, so this is rare): the server will answer 500; count and log it so.
                self._observe(request, rid, 500, time.perf_counter() - started)
                raise
            self._observe(request, rid, response.status_code, time.perf_counter() - started)
            response[REQUEST_ID_HEADER] = rid
            return response
        finally:
            request_id.reset(token)

    def _observe(self, request: HttpRequest, rid: str, status: int, seconds: float) -> None:
        match = request.resolver_match
        view = match.view_name if match is not None else UNRESOLVED
        request_observe(view=view, method=request.method or "", status=status, seconds=seconds)
        if self.log_access:
            access_logger.info(
                "%s %s %d %.1fms",
                request.method,
                view,
                status,
                seconds * 1000,
                extra={
                    "view": view,
                    "method": request.method,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "user_id": _user_id(request),
                },
            )
