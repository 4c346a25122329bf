"""Reads for the service catalogue, and search by the words people use.

The catalogue is public (anyone may read every active service and its standar
pelayanan, UU 25/2009 Pasal 22), so these selectors take no actor: there is
nothing to scope. Inactive services are left out.

Search normalises the query and every service the same way (:func:`normalise`):
lowercase, accents and punctuation gone, spelling variants folded into one
word (akte → akta, e-KTP/KTP-el → ktp, kartu keluarga → kk, kelahiran → lahir),
and filler words people type before what they want dropped (bikin, buat, urus,
cara, syarat, ...). A service scores for each query word found in its name,
keywords, summary or category, more for the name and keywords than for the
rest, and more again when the whole query is one of its keywords. Services are
ordered by how many query words they match, then by score.

Words that say what state a thing is in (rusak, hilang, mati...) describe the
thing; they do not name a service on their own. When a query names a thing
("jalan rusak", "lampu mati"), a service must match that thing: the shared
state word alone does not make "KTP-el hilang atau rusak" an answer to a broken
road.

A query in the words of a problem to report rather than a document to apply
for (:data:`COMPLAINT_WORDS`, :data:`COMPLAINT_PHRASES`, see
docs/catalogue-search.md) is told apart by :func:`looks_like_complaint`, so the
page can offer the complaint form first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from layanan.catalogue.models import FormField, Requirement, Service

# Phrases folded before splitting into words (order matters: longest first).
_PHRASES: tuple[tuple[str, str], ...] = (
    (r"\bkartu tanda penduduk( elektronik)?\b", "ktp"),
    (r"\be ?ktp\b", "ktp"),
    (r"\bktp ?el\b", "ktp"),
    (r"\bkartu keluarga\b", "kk"),
    (r"\bkartu identitas anak\b", "kia"),
    (r"\bsurat keterangan tidak mampu\b", "sktm"),
    (r"\btidak mampu\b", "sktm"),
    (r"\bsurat keterangan usaha\b", "sku"),
    (r"\bsurat keterangan catatan kepolisian\b", "skck"),
    (r"\bsurat keterangan pindah\b", "pindah"),
    (r"\bmeninggal dunia\b", "mati"),
    (r"\bahli waris\b", "ahliwaris"),
    (r"\bbelum (menikah|kawin|nikah)\b", "belumnikah"),
)

# Single words folded into one spelling.
_WORDS: dict[str, str] = {
    "akte": "akta",
    "ektp": "ktp",
    "ktpel": "ktp",
    "kelahiran": "lahir",
    "lahiran": "lahir",
    "melahirkan": "lahir",
    "kematian": "mati",
    "meninggal": "mati",
    "wafat": "mati",
    "perpindahan": "pindah",
    "pindahan": "pindah",
    "skpwni": "pindah",
    "menikah": "nikah",
    "pernikahan": "nikah",
    "perkawinan": "nikah",
    "kawin": "nikah",
    "perubahan": "ubah",
    "mengubah": "ubah",
    "merubah": "ubah",
    "ganti": "ubah",
    "pergantian": "ubah",
    "kehilangan": "hilang",
    "ilang": "hilang",
    "miskin": "sktm",
    "domisili": "domisili",
    "penghasilan": "penghasilan",
    "pendapatan": "penghasilan",
    "gaji": "penghasilan",
    "dagang": "usaha",
    "warung": "usaha",
    "kk": "kk",
}

# Words that say "I want to get ..." and nothing about which service.
STOPWORDS: frozenset[str] = frozenset(
    {
        "bikin",
        "buat",
        "membuat",
        "pembuatan",
        "urus",
        "mengurus",
        "ngurus",
        "pengurusan",
        "cara",
        "gimana",
        "bagaimana",
        "syarat",
        "persyaratan",
        "mau",
        "ingin",
        "minta",
        "saya",
        "aku",
        "yang",
        "untuk",
        "utk",
        "dan",
        "atau",
        "di",
        "ke",
        "dari",
        "dengan",
        "online",
        "daftar",
        "mendaftar",
        "pengajuan",
        "mengajukan",
        "ajukan",
        "permohonan",
        "layanan",
        "pelayanan",
        "tolong",
        "apa",
        "bagi",
        "anak",
    }
)

# Words that say what state a thing is in: with a thing named in the query, they only add to its match.
_STATE: frozenset[str] = frozenset({"rusak", "hilang", "mati", "robek", "hancur", "salah", "ubah", "tambah"})

# Everyday words of a problem to report (a complaint), not a document to apply for. Compared with the
# normalised query (see :func:`normalise`: "kematian" reads "mati"). Edit here to widen or narrow the
# offer of the complaint form on the search page; docs/catalogue-search.md explains the choice.
COMPLAINT_WORDS: frozenset[str] = frozenset(
    {
        # roads, bridges, lights, water
        "jalan",
        "jembatan",
        "berlubang",
        "lubang",
        "aspal",
        "lampu",
        "pju",
        "penerangan",
        "banjir",
        "genangan",
        "selokan",
        "got",
        "drainase",
        "gorong",
        "longsor",
        "tumbang",
        "pdam",
        "listrik",
        "bocor",
        "macet",
        # waste and nuisance
        "sampah",
        "limbah",
        "bau",
        "polusi",
        "bising",
        "kebisingan",
        "kumuh",
        "parkir",
        "preman",
        # the service itself
        "pungli",
        "pungutan",
        "calo",
        "suap",
        "sogok",
        "korupsi",
        "kasar",
        "mangkrak",
        "terbengkalai",
        # saying it outright
        "aduan",
        "pengaduan",
        "mengadu",
        "keluhan",
        "komplain",
        "lapor",
        "laporan",
        "melapor",
        "melaporkan",
    }
)

# Phrases of a complaint whose words alone are too common to tell (normalised, as typed between spaces).
COMPLAINT_PHRASES: tuple[str, ...] = (
    "air mati",
    "air tidak mengalir",
    "pelayanan lambat",
    "pelayanan buruk",
    "tidak ramah",
    "dimintai uang",
    "diminta uang",
    "minta uang",
    "pohon roboh",
)

# Words so common in the catalogue that they only break ties.
_WEAK: frozenset[str] = frozenset({"surat", "keterangan", "pengantar", "baru", "data", "kantor", "desa"})

_NAME, _KEYWORD, _SUMMARY, _CATEGORY = 6, 5, 2, 1
_PHRASE_IN_KEYWORD, _PHRASE_IS_KEYWORD = 8, 12


def normalise(text: str) -> str:
    """Lowercase, without accents or punctuation, spelling variants folded, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = re.sub(r"[^a-z0-9]+", " ", plain).strip()
    for pattern, replacement in _PHRASES:
        plain = re.sub(pattern, replacement, plain)
    return " ".join(_WORDS.get(word, word) for word in plain.split())


def query_words(query: str) -> list[str]:
    """The words of a query that say which service is wanted (normalised, no filler, no repeats)."""
    words: list[str] = []
    for word in normalise(query).split():
        if word not in STOPWORDS and word not in words:
            words.append(word)
    return words


@dataclass
class _Index:
    name: set[str]
    keywords: set[str]
    summary: set[str]
    category: set[str]
    phrases: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, service: Service) -> _Index:
        # The English name and summary count as the Indonesian do: an English reader searches in English.
        names = f"{service.name} {service.name_en}"
        parts = [*re.split(r"[,;\n]", service.keywords), service.name, service.name_en]
        phrases = [" ".join(query_words(part)) for part in parts if part.strip()]
        return cls(
            name=set(normalise(names).split()),
            keywords={word for phrase in phrases for word in phrase.split()},
            summary=set(normalise(f"{service.summary} {service.summary_en}").split()),
            category=set(normalise(service.category).split()),
            phrases=phrases,
        )


def _word_score(word: str, index: _Index) -> int:
    best = 0
    # A word cut short ("kelahir") may match the start of a word in the name or keywords, which
    # editors write; the summary and category, free prose, count whole words only ("lampu" is
    # not "Lampung").
    for words, weight, prefix in (
        (index.name, _NAME, True),
        (index.keywords, _KEYWORD, True),
        (index.summary, _SUMMARY, False),
        (index.category, _CATEGORY, False),
    ):
        if word in words:
            best = max(best, weight)
        elif prefix and len(word) >= 3 and any(candidate.startswith(word) for candidate in words):
            best = max(best, weight // 2)
    if best and word in _WEAK:
        return 1
    return best


def search_score(words: list[str], service: Service) -> tuple[int, int]:
    """(strong words matched, score) of ``service`` for normalised query ``words``; (0, 0) is no match."""
    index = _Index.of(service)
    matched = strong = score = 0
    for word in words:
        points = _word_score(word, index)
        if points:
            matched += 1
            score += points
            if word not in _WEAK:
                strong += 1
    if not matched:
        return 0, 0
    phrase = " ".join(words)
    if phrase in index.phrases:
        score += _PHRASE_IS_KEYWORD
    elif len(words) > 1 and any(phrase in candidate for candidate in index.phrases):
        score += _PHRASE_IN_KEYWORD
    # Missing query words cost: "KTP hilang" prefers the service that has both.
    score -= 3 * (len(words) - matched)
    return strong, score


def _names_a_thing(things: list[str], service: Service) -> bool:
    index = _Index.of(service)
    return any(_word_score(word, index) for word in things)


def looks_like_complaint(query: str) -> bool:
    """True when ``query`` reads as a problem to report ("jalan rusak", "lampu mati", "pungli")."""
    text = normalise(query)
    if not text:
        return False
    padded = f" {text} "
    return any(word in COMPLAINT_WORDS for word in text.split()) or any(
        f" {phrase} " in padded for phrase in COMPLAINT_PHRASES
    )


def _active() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).select_related("office")


def service_list(*, query: str = "") -> list[Service]:
    """Active services; with ``query``, only those matching it, best first.

    Without a query: catalogue order (``order``, then name). With one: by the
    number of meaningful query words matched, then score, then catalogue
    order. A query of filler words only ("bikin", "cara urus") lists every
    service.
    """
    services = list(_active())
    words = query_words(query)
    if not words:
        return services
    # When the query has a word that says which service, matching only "surat" is not enough.
    needs_strong = any(word not in _WEAK for word in words)
    # When it names a thing ("jalan rusak"), matching only its state ("rusak") is not enough either.
    things = [word for word in words if word not in _WEAK and word not in _STATE]
    ranked: list[tuple[tuple[int, int], int, Service]] = []
    for position, service in enumerate(services):
        strong, score = search_score(words, service)
        if things and strong and not _names_a_thing(things, service):
            continue
        if strong > 0 or (not needs_strong and score > 0):
            ranked.append(((strong, score), position, service))
    ranked.sort(key=lambda item: (-item[0][0], -item[0][1], item[1]))
    return [service for _, _, service in ranked]


def service_groups(services: Iterable[Service]) -> list[tuple[str, list[Service]]]:
    """``services`` grouped by category, groups in the order of their first service."""
    groups: dict[str, list[Service]] = {}
    for service in services:
        groups.setdefault(service.category, []).append(service)
    return list(groups.items())


def service_get(slug: str) -> Service | None:
    """The active service with this slug, with its office, fields and requirements; or ``None``."""
    return (
        _active()
        .prefetch_related(
            Prefetch("fields", queryset=FormField.objects.order_by("step", "order", "id")),
            Prefetch("requirements", queryset=Requirement.objects.order_by("order", "id")),
        )
        .filter(slug=slug)
        .first()
    )
