"""Writes of the feedback app: a visitor's vote and problem report, an administrator's tags and changes.

A visitor's vote or problem report is stored without anything about the visitor (see ``models``).
A vote or report sent twice (a flaky connection, a double tap, a reload of the thank-you page)
counts once: a short-lived mark in the cache, keyed by a hash of the sender's CSRF secret (or
another random value of the browser) and the page, says it came already. The mark holds the id
of the row it made, nothing else, and is gone after :data:`MARK_SECONDS`; nothing about the
sender reaches the database.

A visitor's rows are not audited: an audit row would keep the exact second (and, given the
request, the address) that the row itself is rounded and stripped of. The administrators' steps
(tagging, recording a change, the Django admin's saves) are audited as usual.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from layanan.accounts.models import User
from layanan.accounts.permissions import require
from layanan.audit.services import audit_record
from layanan.feedback.models import PROBLEM_MAX, TRYING_MAX, PageFeedback, PlatformChange, Tag
from layanan.feedback.redaction import redact

MARK_SECONDS = 15 * 60
_PENDING = "pending"


def _mark_key(kind: str, sender: str, page: str, extra: str = "") -> str:
    digest = hashlib.sha256(f"feedback:{kind}\x00{sender}\x00{page}\x00{extra}".encode()).hexdigest()[:40]
    return f"feedback:sent:{kind}:{digest}"


def _hour(moment: datetime | None = None) -> datetime:
    """``moment`` (now) rounded down to the hour: a row cannot be matched to an access-log line."""
    return (moment or timezone.now()).replace(minute=0, second=0, microsecond=0)


def _clean(text: str, limit: int) -> str:
    return redact((text or "").strip())[:limit]


def _once(key: str, make: Callable[[], PageFeedback]) -> tuple[PageFeedback | None, bool]:
    """``make()`` unless the mark ``key`` is set; (the row, whether it was made now).

    The mark is taken before the row is made (``cache.add`` is atomic in every cache backend the
    project uses), so two copies arriving together make one row. A copy that finds the mark gets
    the first row (or None while the first copy is still being saved).
    """
    if not cache.add(key, _PENDING, MARK_SECONDS):
        found = cache.get(key)
        row = PageFeedback.objects.filter(pk=found).first() if isinstance(found, int) else None
        return row, False
    try:
        row = make()
    except Exception:
        cache.delete(key)
        raise
    cache.set(key, row.pk, MARK_SECONDS)
    return row, True


def feedback_vote(
    *, page: str, helpful: bool, language: str, sender: str
) -> tuple[PageFeedback | None, bool]:
    """Record "was this page helpful?" for ``page`` (a URL name); a second vote of ``sender`` counts once.

    ``sender`` is a random secret of the browser (its CSRF secret), only ever hashed into the
    cache mark; an empty one (no cookie at all) is never deduplicated. A repeat with the other
    answer changes the first row's answer (still one vote). Returns the row (the first one for a
    repeat) and whether this call counted.
    """

    def make() -> PageFeedback:
        return PageFeedback.objects.create(
            page=page, helpful=helpful, language=language[:8], created_at=_hour()
        )

    if not sender:
        return make(), True
    row, counted = _once(_mark_key("vote", sender, page), make)
    if not counted and row is not None and row.helpful != helpful:
        # A changed mind (Ya, then Tidak): still one vote, now the latest answer.
        PageFeedback.objects.filter(pk=row.pk).update(helpful=helpful)
        row.helpful = helpful
    return row, counted


def feedback_problem(
    *,
    page: str,
    trying: str,
    problem: str,
    language: str,
    sender: str,
    vote_id: int | None = None,
) -> tuple[PageFeedback | None, bool]:
    """Record what the visitor tried to do and what went wrong, redacted (see ``redaction``).

    After a "Tidak" the texts join that vote's row (``vote_id``, from the signed field of the
    thank-you page's form), once: a row that has its texts already is left as it is. Reached from
    the "Laporkan masalah" link, a row without a vote is made; the same texts sent again by the
    same browser for the same page count once. Returns the row and whether this call changed it.
    """
    trying = _clean(trying, TRYING_MAX)
    problem = _clean(problem, PROBLEM_MAX)
    if vote_id is not None:
        with transaction.atomic():
            joined = PageFeedback.objects.filter(pk=vote_id, page=page, trying="", problem="").update(
                trying=trying, problem=problem
            )
            row = PageFeedback.objects.filter(pk=vote_id, page=page).first()
        if row is not None:
            return row, bool(joined)

    def make() -> PageFeedback:
        return PageFeedback.objects.create(
            page=page, helpful=None, trying=trying, problem=problem, language=language[:8], created_at=_hour()
        )

    if not sender:
        return make(), True
    said = hashlib.sha256(f"{trying}\x00{problem}".encode()).hexdigest()
    return _once(_mark_key("problem", sender, page, said), make)


# --- the administrators' steps ---------------------------------------------------------------------


def feedback_tag(
    *, actor: User, feedback: PageFeedback, tags: Iterable[Tag], request: HttpRequest | None = None
) -> None:
    """Set the tags of one feedback row (replacing the ones it had)."""
    require(actor, "feedback.manage")
    chosen = sorted({tag.pk: tag for tag in tags}.values(), key=lambda tag: tag.slug)
    with transaction.atomic():
        feedback.tags.set(chosen)
        audit_record(
            actor=actor,
            action="feedback.tag",
            obj=feedback,
            request=request,
            details={"tags": [tag.slug for tag in chosen]},
        )


def platform_change_record(
    *,
    actor: User,
    day: date,
    title: str,
    description: str,
    title_en: str = "",
    description_en: str = "",
    pages: str = "",
    tags: Iterable[Tag] = (),
    submit_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> PlatformChange:
    """Record a change made in answer to feedback; it shows on the public page at once.

    ``submit_key`` is the form's own key: the same form sent twice returns the first change.
    """
    require(actor, "feedback.manage")
    if submit_key is not None:
        existing = PlatformChange.objects.filter(submit_key=submit_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            change = PlatformChange.objects.create(
                date=day,
                title=title.strip(),
                title_en=title_en.strip(),
                description=description.strip(),
                description_en=description_en.strip(),
                pages=", ".join(name.strip() for name in pages.split(",") if name.strip()),
                submit_key=submit_key,
            )
            change.tags.set(list(tags))
            platform_change_audit(change=change, actor=actor, action="create", request=request)
    except IntegrityError:
        found = PlatformChange.objects.filter(submit_key=submit_key).first()
        if found is None:
            raise
        return found
    return change


def platform_change_audit(
    *,
    change: PlatformChange,
    actor: User | None,
    action: str,
    fields: Iterable[str] = (),
    request: HttpRequest | None = None,
) -> None:
    """The audit row of a change's ``create``, ``update`` or ``delete`` (the Django admin's too)."""
    audit_record(
        actor=actor,
        action=f"feedback.change_{action}",
        obj=change,
        request=request,
        details={"title": change.title[:80], "fields": sorted(fields)},
    )


def tag_audit(*, tag: Tag, actor: User | None, action: str, request: HttpRequest | None = None) -> None:
    """The audit row of the Django admin's change to the list of tags."""
    audit_record(
        actor=actor,
        action=f"feedback.tagname_{action}",
        obj=tag,
        request=request,
        details={"slug": tag.slug, "name": tag.name},
    )
