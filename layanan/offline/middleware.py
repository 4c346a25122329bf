"""Tell the service worker which pages it may keep on the phone, and for whom (docs/offline.md).

- ``X-Offline: public`` marks an anonymous reader's copy of a public page (the page cache's
  :data:`~layanan.core.pagecache.CACHED_PAGES`, with only the query parameters allowed there, and
  this app's offline and outbox pages): the service worker keeps it in the shared ``pages`` cache.
- ``X-Offline: account`` marks a page of :data:`ACCOUNT_PAGES` (a form that may go to the outbox)
  for a signed-in person: the service worker keeps it only in that account's cache, with the pages
  named in ``X-Offline-Pages`` (the rest of an application's form).
- ``X-Account`` carries the signed-in person's :func:`~layanan.offline.account.account_tag` on
  every answer; seeing a different one, or none, the service worker drops every other account's
  cache.

Any other page is never kept, nor any page shown in practice mode (its banner would stay on the copy).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from layanan.core.pagecache import CACHED_PAGES
from layanan.core.practice import practice_on
from layanan.offline.account import account_tag

OFFLINE_HEADER = "X-Offline"
ACCOUNT_HEADER = "X-Account"
# Public pages of this app, kept for anyone.
PUBLIC_PAGES = frozenset({"offline:page", "offline:outbox"})
# Pages kept for the signed-in person only: the forms marked ``data-offline``. An application's
# pages also name the rest of its form in ``X-Offline-Pages`` (:func:`keep_together`), kept with them.
ACCOUNT_PAGES = frozenset(
    {"complaints:new", "applications:step", "applications:requirements", "applications:review"}
)
PAGES_HEADER = "X-Offline-Pages"


def keep_together(response: HttpResponse, paths: list[str]) -> HttpResponse:
    """Ask the service worker to keep these pages too (the other pages of the same form)."""
    response[PAGES_HEADER] = " ".join(paths)
    return response


def _public_page(name: str, request: HttpRequest) -> bool:
    """A page the page cache would keep: named there, with only the query parameters it allows."""
    page = CACHED_PAGES.get(name)
    return page is not None and set(request.GET) <= page.params


class OfflineMarkMiddleware:
    """After the authentication middleware: mark what the service worker may keep."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        tag = account_tag(user) if user is not None else ""
        if tag:
            response[ACCOUNT_HEADER] = tag
        match = request.resolver_match
        if (
            match is None
            or request.method != "GET"
            or response.status_code != 200
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        name = match.view_name
        if practice_on(request):
            return response  # its banner would stay on the kept copy after practice mode is over
        if not tag and (name in PUBLIC_PAGES or _public_page(name, request)):
            response[OFFLINE_HEADER] = "public"
        elif tag and name in ACCOUNT_PAGES:
            response[OFFLINE_HEADER] = "account"
        return response
