"""Reads of the open data: the catalogue, one data set's page, a download, the DCAT catalogue.

Everything here is public (aggregate figures, already suppressed), so nothing takes an actor;
everything is read from the published copies (:class:`Snapshot`), never computed on a request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from layanan.opendata import formats
from layanan.opendata.models import Snapshot
from layanan.opendata.registry import FREQUENCIES, DataSet, dataset, datasets

FORMATS = {"csv": formats.CSV_MEDIA_TYPE, "json": formats.JSON_MEDIA_TYPE}
# DCAT 2 names a media type by its IANA address.
IANA = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Entry:
    dataset: DataSet
    snapshot: Snapshot | None  # None until the first refresh


def catalogue() -> list[Entry]:
    """Every data set with its published copy (without the downloads' text): one query."""
    copies = {copy.slug: copy for copy in Snapshot.objects.defer("csv", "json")}
    return [Entry(found, copies.get(found.slug)) for found in datasets()]


def entry(*, slug: str) -> Entry | None:
    """One data set and its copy (without the downloads' text); None when there is no such data set."""
    found = dataset(slug)
    if found is None:
        return None
    return Entry(found, Snapshot.objects.defer("csv", "json").filter(slug=slug).first())


@dataclass(frozen=True)
class Download:
    text: str
    media_type: str
    digest: str
    updated_at: Any


def download(*, slug: str, fmt: str) -> Download | None:
    """The CSV or JSON text of a data set's copy; None when it has none (yet) or no such format."""
    if fmt not in FORMATS or dataset(slug) is None:
        return None
    found = Snapshot.objects.filter(slug=slug).values(fmt, "digest", "updated_at").first()
    if found is None:
        return None
    return Download(found[fmt], FORMATS[fmt], found["digest"], found["updated_at"])


def download_stamp(*, slug: str) -> tuple[str, Any] | None:
    """(digest, updated_at) of a copy, for conditional requests (one small query)."""
    return Snapshot.objects.filter(slug=slug).values_list("digest", "updated_at").first()


def _texts(text: formats.Text) -> list[dict[str, str]]:
    return [{"@language": language, "@value": value} for language, value in formats.both(text).items()]


def dcat_catalog(*, absolute: Callable[[str], str]) -> dict[str, Any]:
    """The DCAT catalogue (JSON-LD) of every published data set, for data portals to harvest.

    ``absolute`` turns a path into a full address.
    """
    publisher = {"@type": "foaf:Agent", "foaf:name": formats.producer()}
    licence = {"@id": formats.licence()["url"]}
    spatial = {
        "@type": "dct:Location",
        "dct:identifier": formats.regency()["code"],
        "skos:prefLabel": formats.regency()["name"],
    }
    entries = []
    for item in catalogue():
        copy = item.snapshot
        if copy is None:
            continue  # not published yet
        found = item.dataset
        page = absolute(reverse("opendata:detail", kwargs={"slug": found.slug}))
        temporal: dict[str, Any] = {"@type": "dct:PeriodOfTime"}
        if copy.period_start:
            temporal["dcat:startDate"] = {"@value": copy.period_start.isoformat(), "@type": "xsd:date"}
        if copy.period_end:
            temporal["dcat:endDate"] = {"@value": copy.period_end.isoformat(), "@type": "xsd:date"}
        keywords = [
            {"@language": language, "@value": value}
            for keyword in found.keywords
            for language, value in formats.both(keyword).items()
        ]
        entries.append(
            {
                "@id": page,
                "@type": "dcat:Dataset",
                "dct:identifier": found.slug,
                "dct:title": _texts(found.title),
                "dct:description": _texts(found.description),
                "dct:publisher": publisher,
                "dct:license": licence,
                "dct:temporal": temporal,
                "dct:spatial": spatial,
                "dct:accrualPeriodicity": {"@id": FREQUENCIES[found.frequency]},
                "dcat:keyword": keywords,
                "dct:modified": {"@value": copy.updated_at.isoformat(), "@type": "xsd:dateTime"},
                "dcat:landingPage": {"@id": page},
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dct:title": fmt.upper(),
                        "dct:format": fmt.upper(),
                        "dcat:downloadURL": {
                            "@id": absolute(
                                reverse("opendata:download", kwargs={"slug": found.slug, "fmt": fmt})
                            )
                        },
                        "dcat:mediaType": {"@id": IANA + media_type},
                        "dct:license": licence,
                    }
                    for fmt, media_type in FORMATS.items()
                ],
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": absolute(reverse("opendata:catalog")),
        "@type": "dcat:Catalog",
        "dct:title": _texts(CATALOG_TITLE),
        "dct:description": _texts(CATALOG_DESCRIPTION),
        "dct:publisher": publisher,
        "dct:license": licence,
        "dct:spatial": spatial,
        "foaf:homepage": {"@id": absolute(reverse("opendata:list"))},
        "dcat:dataset": entries,
    }


CATALOG_TITLE = gettext_lazy("Data terbuka")
CATALOG_DESCRIPTION = gettext_lazy(
    "Data agregat pelayanan publik (permohonan, pengaduan, kepuasan masyarakat) dengan lisensi terbuka."
)
