from __future__ import annotations

from django.tasks import task

from layanan.api.idempotency import idempotent_answers_prune


@task()
def api_idempotent_answers_prune() -> int:
    """Forget the answers kept for ``Idempotency-Key`` after API_IDEMPOTENCY_KEEP_HOURS."""
    return idempotent_answers_prune()
