"""Periodic retraining of the routing suggestion (see :mod:`layanan.complaints.routing`).

Safe to run twice: each run stores a new model trained on the same data, and
the suggestion uses the latest one.
"""

from __future__ import annotations

import logging

from django.tasks import task

from layanan.complaints.routing import routing_train

logger = logging.getLogger(__name__)


@task()
def complaints_routing_train() -> int | None:
    """Train a routing model on past dispositions; the new model's id, or None with too little history."""
    model = routing_train()
    if model is None:
        logger.info("routing model not trained: too few disposed reports")
        return None
    accuracy = "-" if model.accuracy is None else f"{model.accuracy:.3f}"
    logger.info(
        "routing model %s trained on %s reports, held-out accuracy %s", model.pk, model.samples, accuracy
    )
    return model.pk
