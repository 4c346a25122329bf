"""Routing of reports: which office a report goes to, by rule, and a learned suggestion from its text.

``route`` is the policy an administrator sets (the category's default office,
refined by :class:`RoutingRule` rows per region). ``suggest`` is advice for the
verifier only: a small multinomial Naive Bayes classifier over the words of
the report, trained by ``routing_train`` on the offices verifiers actually
chose (the dispositions of past reports) and stored as JSON in
:class:`RoutingModel`. It is pure Python on purpose: a few thousand reports and
a dozen offices need no numerical library.

Model parameters (``RoutingModel.parameters``)::

    {"version": 1, "alpha": 1.0,
     "classes": {"<office id>": {"log_prior": -1.2, "tokens": {"jalan": -3.4, ...}}, ...}}

Only the ``VOCABULARY_SIZE`` most frequent tokens are kept; a token outside
the vocabulary is ignored when scoring.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from layanan.agencies.models import Office
from layanan.audit.services import audit_record
from layanan.complaints.models import Category, Disposition, Report, RoutingModel, RoutingRule
from layanan.regions.models import Region

MODEL_VERSION = 1
ALPHA = 1.0  # Laplace smoothing
VOCABULARY_SIZE = 3000
MAX_SAMPLES = 20000  # the most recent reports with a disposition
HELD_OUT_PERCENT = 20

# Small Indonesian stopword list: function words that say nothing about the office.
STOPWORDS = frozenset(
    [
        "ada",
        "adalah",
        "agar",
        "akan",
        "aku",
        "anda",
        "apa",
        "apakah",
        "atau",
        "bagaimana",
        "bagi",
        "bahwa",
        "banyak",
        "baru",
        "beberapa",
        "belum",
        "berapa",
        "bisa",
        "boleh",
        "bukan",
        "dalam",
        "dan",
        "dapat",
        "dari",
        "dengan",
        "di",
        "dia",
        "ini",
        "itu",
        "jadi",
        "jika",
        "juga",
        "kalau",
        "kami",
        "kamu",
        "karena",
        "ke",
        "kenapa",
        "kepada",
        "ketika",
        "kita",
        "lagi",
        "lah",
        "lain",
        "masih",
        "mau",
        "melalui",
        "mereka",
        "mohon",
        "nya",
        "oleh",
        "pada",
        "para",
        "pak",
        "bu",
        "bapak",
        "ibu",
        "saat",
        "saja",
        "sangat",
        "saya",
        "se",
        "sejak",
        "sekali",
        "sudah",
        "supaya",
        "tapi",
        "telah",
        "tentang",
        "terhadap",
        "tersebut",
        "tidak",
        "tolong",
        "untuk",
        "yang",
        "ya",
        "sampai",
        "hingga",
        "sama",
        "setiap",
        "semua",
        "selama",
        "sedang",
    ]
)
_PARTICLES = ("lah", "kah", "tah", "pun")
_POSSESSIVES = ("nya", "ku", "mu")
_DERIVATIONAL = ("kan", "an")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def _strip_suffix(word: str) -> str:
    """Remove one particle, one possessive and one derivational suffix, keeping at least 4 letters."""
    for group in (_PARTICLES, _POSSESSIVES, _DERIVATIONAL):
        for suffix in group:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
    return word


def tokenize(text: str) -> list[str]:
    """Lowercased words of ``text`` without punctuation, digits-only words, stopwords and common suffixes."""
    words = _NON_WORD.sub(" ", text.lower().replace("_", " ")).split()
    tokens = []
    for word in words:
        if len(word) < 3 or word.isdigit() or word in STOPWORDS:
            continue
        stem = _strip_suffix(word)
        if stem not in STOPWORDS:
            tokens.append(stem)
    return tokens


# --- rules -------------------------------------------------------------------------------------


def route(*, category: Category, region: Region) -> Office:
    """The office responsible for a report of ``category`` in ``region``.

    Among the category's rules whose office is active and whose region
    contains ``region`` (a rule without a region applies everywhere), the most
    specific region wins (longest code: a desa rule beats a kecamatan rule
    beats a regency-wide one), then the lowest priority number. Without a
    matching rule, the category's default office.
    """
    best: tuple[int, int, int] | None = None
    chosen: Office | None = None
    rules = RoutingRule.objects.filter(category=category, office__is_active=True).select_related(
        "office", "region"
    )
    for rule in rules:
        if rule.region is not None and not rule.region.contains(region):
            continue
        specificity = len(rule.region.code) if rule.region is not None else 0
        key = (-specificity, rule.priority, rule.pk)
        if best is None or key < best:
            best, chosen = key, rule.office
    return chosen if chosen is not None else category.default_office


# --- learned suggestion ------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    key: str  # stable across databases: the tracking number
    text: str
    label: str  # office id, as text (JSON object keys are text)


def _fit(samples: Sequence[Sample], *, vocabulary_size: int = VOCABULARY_SIZE) -> dict[str, Any]:
    """Multinomial Naive Bayes parameters for ``samples``; deterministic for the same samples."""
    documents = Counter(sample.label for sample in samples)
    counts: dict[str, Counter[str]] = {label: Counter() for label in documents}
    overall: Counter[str] = Counter()
    for sample in samples:
        tokens = tokenize(sample.text)
        counts[sample.label].update(tokens)
        overall.update(tokens)
    vocabulary = sorted(overall, key=lambda token: (-overall[token], token))[:vocabulary_size]
    size = len(vocabulary)
    total = sum(documents.values())
    classes: dict[str, Any] = {}
    for label in sorted(documents):
        class_counts = counts[label]
        denominator = sum(class_counts[token] for token in vocabulary) + ALPHA * size
        classes[label] = {
            "log_prior": round(math.log(documents[label] / total), 6),
            "tokens": {
                token: round(math.log((class_counts[token] + ALPHA) / denominator), 6) for token in vocabulary
            },
        }
    return {"version": MODEL_VERSION, "alpha": ALPHA, "classes": classes}


def _posteriors(parameters: dict[str, Any], text: str) -> list[tuple[str, float]]:
    """Each class with its posterior probability for ``text``, best first; empty when no word is known."""
    classes: dict[str, Any] = parameters.get("classes", {})
    if not classes:
        return []
    tokens = tokenize(text)
    known = [token for token in tokens if any(token in data["tokens"] for data in classes.values())]
    if not known:
        return []
    scores = {
        label: data["log_prior"] + sum(data["tokens"].get(token, 0.0) for token in known)
        for label, data in classes.items()
    }
    top = max(scores.values())
    exps = {label: math.exp(score - top) for label, score in scores.items()}
    norm = sum(exps.values())
    return sorted(
        ((label, value / norm) for label, value in exps.items()), key=lambda pair: (-pair[1], pair[0])
    )


def _predict(parameters: dict[str, Any], text: str) -> str | None:
    ranked = _posteriors(parameters, text)
    return ranked[0][0] if ranked else None


@dataclass(frozen=True, slots=True)
class _Latest:
    """The latest model as this process last read it, with its active offices by id."""

    key: tuple[int, object] | None  # (id, trained_at); None: no model
    parameters: dict[str, Any] | None
    offices: dict[int, Office]
    checked_at: float


# A trained model is never changed, only replaced by a newer one: each process reads and parses each
# model's JSON once, and looks for a newer model (and at its offices' ``is_active``) at most every
# ``ROUTING_MODEL_CHECK_SECONDS`` (0: on every suggestion). A suggestion is advice to the verifier:
# a new model or a closed office is seen by every process within that time.
_latest: _Latest | None = None
_latest_lock = threading.Lock()


def _current() -> _Latest:
    global _latest
    interval = float(getattr(settings, "ROUTING_MODEL_CHECK_SECONDS", 0))
    cached = _latest
    now = time.monotonic()
    if cached is not None and interval > 0 and now - cached.checked_at < interval:
        return cached
    latest = RoutingModel.objects.order_by("-trained_at", "-id").values_list("id", "trained_at").first()
    if latest is None:
        fresh = _Latest(None, None, {}, now)
    elif cached is not None and cached.key == latest:
        fresh = _Latest(latest, cached.parameters, _active_offices(cached.parameters), now)
    else:
        parameters = RoutingModel.objects.filter(pk=latest[0]).values_list("parameters", flat=True).first()
        fresh = _Latest(
            latest if parameters is not None else None, parameters, _active_offices(parameters), now
        )
    with _latest_lock:
        _latest = fresh
    return fresh


def _active_offices(parameters: dict[str, Any] | None) -> dict[int, Office]:
    labels = [int(label) for label in (parameters or {}).get("classes", {})]
    return {pk: office for pk, office in Office.objects.in_bulk(labels).items() if office.is_active}


def _latest_parameters() -> dict[str, Any] | None:
    """The latest model's parameters (see :func:`_current`)."""
    return _current().parameters


def routing_forget() -> None:
    """Drop this process's copy of the latest model (a new one was trained here)."""
    global _latest
    with _latest_lock:
        _latest = None


def suggest(*, text: str) -> tuple[Office | None, float]:
    """The office the latest model suggests for ``text`` and its posterior; ``(None, 0.0)`` without one.

    Offices no longer active are passed over (the next best active office is
    suggested, with its own posterior). Without a trained model, or when no
    word of ``text`` is known to the model, there is no suggestion. No query
    but once every ``ROUTING_MODEL_CHECK_SECONDS`` (see :func:`_current`).
    """
    latest = _current()
    if latest.parameters is None:
        return None, 0.0
    for label, probability in _posteriors(latest.parameters, text):
        office = latest.offices.get(int(label))
        if office is not None:
            return office, probability
    return None, 0.0


def _is_held_out(key: str) -> bool:
    """A fixed 20 % of reports, chosen by a hash of the tracking number (the same on every run)."""
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_PERCENT


def training_samples(*, limit: int = MAX_SAMPLES) -> list[Sample]:
    """Past reports with the office verifiers disposed them to, sorted by tracking number.

    The label is the report's first active disposition (the primary office of
    a multi-office disposition, or the office after a re-disposition); a
    report whose dispositions are all closed takes its latest one.
    """
    reports = list(
        Report.objects.real()
        .filter(dispositions__isnull=False)
        .distinct()
        .order_by("-received_at", "-id")
        .values_list("id", "tracking_number", "text")[:limit]
    )
    ids = [row[0] for row in reports]
    labels: dict[int, int] = {}
    latest: dict[int, int] = {}
    for report_id, office_id, is_active in (
        Disposition.objects.filter(report_id__in=ids)
        .order_by("report_id", "created_at", "id")
        .values_list("report_id", "office_id", "is_active")
        .iterator()
    ):
        latest[report_id] = office_id
        if is_active and report_id not in labels:
            labels[report_id] = office_id
    samples = [
        Sample(key=tracking, text=text, label=str(labels.get(pk, latest[pk])))
        for pk, tracking, text in reports
        if pk in latest
    ]
    return sorted(samples, key=lambda sample: sample.key)


def evaluate(samples: Iterable[Sample]) -> tuple[float | None, int]:
    """Accuracy on the held-out part after training on the rest, and how many were held out."""
    samples = list(samples)
    train = [sample for sample in samples if not _is_held_out(sample.key)]
    held = [sample for sample in samples if _is_held_out(sample.key)]
    if not train or not held:
        return None, len(held)
    parameters = _fit(train)
    right = sum(1 for sample in held if _predict(parameters, sample.text) == sample.label)
    return right / len(held), len(held)


def routing_train(*, min_samples: int = 20) -> RoutingModel | None:
    """Train a new model on past dispositions; None (and nothing saved) with fewer than ``min_samples``.

    Accuracy is measured on a fixed 20 % of reports held out from a first
    training; the stored model is then trained on all of them.
    """
    samples = training_samples()
    if len(samples) < min_samples:
        return None
    accuracy, held_out = evaluate(samples)
    parameters = _fit(samples)
    with transaction.atomic():
        model = RoutingModel.objects.create(
            samples=len(samples), held_out=held_out, accuracy=accuracy, parameters=parameters
        )
        audit_record(
            actor=None,
            action="complaints.routing_train",
            obj=model,
            details={
                "samples": len(samples),
                "held_out": held_out,
                "accuracy": None if accuracy is None else round(accuracy, 4),
                "classes": len(parameters["classes"]),
            },
        )
    transaction.on_commit(routing_forget)
    return model
