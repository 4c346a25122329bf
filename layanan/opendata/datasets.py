"""The published data sets: their rows read from the monitoring summary tables and the survey.

Only whole periods are published (months that have ended, quarters that have ended), so a row
never changes because its period is still running. Rows are per period and group, with the group's
reference codes (service and category slugs, office codes, Kemendagri region codes) beside their
names as written in the data. Nothing here is personal: the summary tables hold codes and counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Office
from layanan.aspirations.selectors import open_data_counts
from layanan.catalogue.models import Service
from layanan.complaints.models import Category
from layanan.monitoring.models import APPLICATION_COUNTS, REPORT_COUNTS, ApplicationDaily, Grain, ReportDaily
from layanan.monitoring.selectors import Period, application_facts, percentile, report_facts
from layanan.monitoring.services import month_start, wib_day
from layanan.opendata.registry import CODE, COUNT, DERIVED, LABEL, PERIOD, Column, DataSet, register
from layanan.regions.models import Region
from layanan.survey.models import Response
from layanan.survey.selectors import ikm_by_public

NO_REGION = "Tanpa wilayah"  # the name of the cases whose place is not known (a value, never translated)


# --- names of the codes -------------------------------------------------------------------------------


def region_names(codes: Iterable[str]) -> dict[str, str]:
    """Kemendagri code → name; '' is "Tanpa wilayah" (counted, never dropped)."""
    wanted = {code for code in codes if code}
    names = dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
    return {code: names.get(code, "") for code in wanted} | {"": NO_REGION}


def _services(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    return {
        pk: (slug, name)
        for pk, slug, name in Service.objects.filter(pk__in=set(ids)).values_list("pk", "slug", "name")
    }


def _offices(ids: Iterable[int | None]) -> dict[int | None, tuple[str, str]]:
    found: dict[int | None, tuple[str, str]] = {
        pk: (code, name)
        for pk, code, name in Office.objects.filter(pk__in={i for i in ids if i}).values_list(
            "pk", "code", "name"
        )
    }
    return found | {None: ("", "")}


def _categories(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    return {
        pk: (slug, name)
        for pk, slug, name in Category.objects.filter(pk__in=set(ids)).values_list("pk", "slug", "name")
    }


# --- periods ------------------------------------------------------------------------------------------


def today() -> date:
    return wib_day(timezone.now())


def ended_months(first: date | None, *, now: date | None = None) -> Period | None:
    """The whole months from ``first``'s month to the last month that has ended; None when none has."""
    if first is None:
        return None
    end = month_start(now or today()) - timedelta(days=1)
    start = month_start(first)
    return Period(start, end) if start <= end else None


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_label(first: date) -> str:
    return f"{first.year}-Q{(first.month - 1) // 3 + 1}"


def ended_quarters(first: date | None, *, now: date | None = None) -> list[tuple[date, date]]:
    """(first day, last day) of each quarter from ``first``'s to the last that has ended."""
    if first is None:
        return []
    current = quarter_start(now or today())
    quarters = []
    start = quarter_start(first)
    while start < current:
        after = date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
        quarters.append((start, after - timedelta(days=1)))
        start = after
    return quarters


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- applications ------------------------------------------------------------------------------------


def application_rows() -> list[dict[str, Any]]:
    """Applications per month, service, office and kecamatan, from the monthly rollups."""
    period = ended_months(ApplicationDaily.objects.aggregate(first=Min("day"))["first"])
    if period is None:
        return []
    counts, lead = application_facts(None)
    by = ("day", "service_id", "office_id", "kecamatan_code")
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * len(APPLICATION_COUNTS))
    for (day, *group), values in counts.summed(period, by, APPLICATION_COUNTS, coarsest=Grain.MONTH).items():
        totals = sums[(month_start(day), *group)]
        for position, value in enumerate(values):
            totals[position] += value
    histograms: dict[tuple[Any, ...], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (day, *group, days), (n,) in lead.summed(
        period, (*by, "days"), ("count",), coarsest=Grain.MONTH
    ).items():
        histograms[(month_start(day), *group)][days] += n
    services = _services(key[1] for key in sums)
    offices = _offices(key[2] for key in sums)
    places = region_names(key[3] or "" for key in sums)
    rows = []
    for (month, service_id, office_id, kecamatan), values in sums.items():
        figures = dict(zip(APPLICATION_COUNTS, values, strict=True))
        if not any(values):
            continue
        service = services.get(service_id, ("", ""))
        office = offices.get(office_id, ("", ""))
        kecamatan = kecamatan or ""
        rows.append(
            {
                "bulan": month.strftime("%Y-%m"),
                "kode_layanan": service[0],
                "nama_layanan": service[1],
                "kode_kantor": office[0],
                "nama_kantor": office[1],
                "kode_kecamatan": kecamatan,
                "nama_kecamatan": places.get(kecamatan, ""),
                "diterima": figures["received"],
                "selesai": figures["completed"],
                "selesai_tepat_waktu": figures["completed_on_time"],
                "ditolak": figures["rejected"],
                "dibatalkan": figures["withdrawn"],
                "persen_tepat_waktu": _share(figures["completed_on_time"], figures["completed"]),
                "median_hari_kerja": percentile(
                    histograms.get((month, service_id, office_id, kecamatan), {}), 0.5
                ),
            }
        )
    rows.sort(key=lambda row: (row["bulan"], row["kode_layanan"], row["kode_kantor"], row["kode_kecamatan"]))
    return rows


# --- reports -----------------------------------------------------------------------------------------


def report_rows() -> list[dict[str, Any]]:
    """Reports (pengaduan) per month, category and kecamatan, with the time to verify and to answer."""
    period = ended_months(ReportDaily.objects.aggregate(first=Min("day"))["first"])
    if period is None:
        return []
    counts, lead = report_facts(None)
    by = ("day", "category_id", "kecamatan_code")
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * len(REPORT_COUNTS))
    for (day, *group), values in counts.summed(period, by, REPORT_COUNTS, coarsest=Grain.MONTH).items():
        totals = sums[(month_start(day), *group)]
        for position, value in enumerate(values):
            totals[position] += value
    histograms: dict[tuple[Any, ...], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    found = lead.summed(period, (*by, "metric", "days"), ("count",), coarsest=Grain.MONTH)
    for (day, category_id, kecamatan, metric, days), (n,) in found.items():
        histograms[(month_start(day), category_id, kecamatan, metric)][days] += n
    categories = _categories(key[1] for key in sums)
    places = region_names(key[2] or "" for key in sums)
    rows = []
    for (month, category_id, kecamatan), values in sums.items():
        figures = dict(zip(REPORT_COUNTS, values, strict=True))
        if not (figures["received"] or figures["verified"] or figures["answered"]):
            continue
        category = categories.get(category_id, ("", ""))
        rows.append(
            {
                "bulan": month.strftime("%Y-%m"),
                "kode_kategori": category[0],
                "nama_kategori": category[1],
                "kode_kecamatan": kecamatan or "",
                "nama_kecamatan": places.get(kecamatan or "", ""),
                "diterima": figures["received"],
                "diverifikasi": figures["verified"],
                "dijawab": figures["answered"],
                "dijawab_tepat_waktu": figures["answered_on_time"],
                "persen_dijawab_tepat_waktu": _share(figures["answered_on_time"], figures["answered"]),
                "median_hari_kerja_verifikasi": percentile(
                    histograms.get((month, category_id, kecamatan, "verify"), {}), 0.5
                ),
                "median_hari_kerja_jawaban": percentile(
                    histograms.get((month, category_id, kecamatan, "answer"), {}), 0.5
                ),
            }
        )
    rows.sort(key=lambda row: (row["bulan"], row["kode_kategori"], row["kode_kecamatan"]))
    return rows


# --- the satisfaction index (IKM) --------------------------------------------------------------------


def ikm_rows() -> list[dict[str, Any]]:
    """The IKM (PermenPANRB 14/2017) per office and quarter, from the survey's answers."""
    quarters = ended_quarters(Response.objects.aggregate(first=Min("period"))["first"])
    found = [(first, ikm_by_public(start=first, end=last, group="office")) for first, last in quarters]
    offices = _offices(office_id for _first, results in found for office_id in results)
    rows = []
    for first, results in found:
        for office_id, result in results.items():
            if not result.respondents:
                continue
            office = offices.get(office_id, ("", ""))
            rows.append(
                {
                    "triwulan": quarter_label(first),
                    "kode_kantor": office[0],
                    "nama_kantor": office[1],
                    "responden": result.respondents,
                    "ikm": float(result.ikm) if result.ikm is not None else None,
                    "mutu": result.mutu or None,
                }
            )
    rows.sort(key=lambda row: (row["triwulan"], row["kode_kantor"]))
    return rows


# --- the columns they share -------------------------------------------------------------------------


def _month() -> Column:
    return Column(
        "bulan",
        PERIOD,
        _("Bulan"),
        _("Bulan kalender (WIB), dalam bentuk TTTT-BB."),
        datatype="string",
    )


def _office_columns() -> tuple[Column, ...]:
    return (
        Column(
            "kode_kantor",
            CODE,
            _("Kode kantor"),
            _("Kode kantor (OPD, kecamatan atau desa) di platform ini."),
        ),
        Column("nama_kantor", LABEL, _("Nama kantor"), _("Nama kantor yang menangani.")),
    )


def _kecamatan_columns() -> tuple[Column, ...]:
    return (
        Column(
            "kode_kecamatan",
            CODE,
            _("Kode kecamatan"),
            _("Kode wilayah Kemendagri kecamatan (mis. 18.03.01); kosong bila wilayahnya tidak diketahui."),
        ),
        Column(
            "nama_kecamatan",
            LABEL,
            _("Nama kecamatan"),
            _('Nama kecamatan; "Tanpa wilayah" bila tidak diketahui.'),
        ),
    )


APPLICATIONS = register(
    DataSet(
        slug="permohonan-layanan",
        title=_("Permohonan layanan per bulan"),
        description=_(
            "Jumlah permohonan layanan yang diterima dan diputuskan, dan bagian yang selesai tepat waktu, "
            "per bulan, layanan, kantor dan kecamatan."
        ),
        keywords=(_("pelayanan publik"), _("permohonan"), _("ketepatan waktu"), _("standar pelayanan")),
        frequency="monthly",
        period_column="bulan",
        columns=(
            _month(),
            Column("kode_layanan", CODE, _("Kode layanan"), _("Kode layanan di katalog layanan.")),
            Column("nama_layanan", LABEL, _("Nama layanan"), _("Nama layanan di katalog layanan.")),
            *_office_columns(),
            *_kecamatan_columns(),
            Column(
                "diterima",
                COUNT,
                _("Diterima"),
                _("Permohonan yang diajukan pada bulan itu."),
                _("permohonan"),
                "integer",
            ),
            Column(
                "selesai",
                COUNT,
                _("Selesai"),
                _("Permohonan yang selesai pada bulan itu."),
                _("permohonan"),
                "integer",
            ),
            Column(
                "selesai_tepat_waktu",
                COUNT,
                _("Selesai tepat waktu"),
                _("Permohonan selesai pada bulan itu paling lambat pada batas waktu standar pelayanan."),
                _("permohonan"),
                "integer",
                part_of="selesai",
            ),
            Column(
                "ditolak",
                COUNT,
                _("Ditolak"),
                _("Permohonan yang ditolak pada bulan itu."),
                _("permohonan"),
                "integer",
            ),
            Column(
                "dibatalkan",
                COUNT,
                _("Dibatalkan"),
                _("Permohonan yang ditarik pemohon pada bulan itu."),
                _("permohonan"),
                "integer",
            ),
            Column(
                "persen_tepat_waktu",
                DERIVED,
                _("Persen tepat waktu"),
                _("Selesai tepat waktu dibagi selesai, dikali 100."),
                _("persen"),
                "decimal",
                base="selesai",
                sources=("selesai", "selesai_tepat_waktu"),
                decimals=1,
            ),
            Column(
                "median_hari_kerja",
                DERIVED,
                _("Median hari kerja"),
                _(
                    "Median lama penyelesaian permohonan yang selesai pada bulan itu, dalam hari kerja dari "
                    "pengajuan sampai selesai (31 berarti 31 hari kerja atau lebih)."
                ),
                _("hari kerja"),
                "integer",
                base="selesai",
            ),
        ),
        rows=application_rows,
        marginals=(
            ("bulan", "kode_layanan"),
            ("bulan", "kode_kantor"),
            ("bulan", "kode_kecamatan"),
            ("bulan",),
        ),
        source=_("Tabel ringkasan pemantauan (rekap bulanan permohonan)."),
    )
)

REPORTS = register(
    DataSet(
        slug="pengaduan",
        title=_("Pengaduan warga per bulan"),
        description=_(
            "Jumlah laporan (pengaduan) yang diterima, diverifikasi dan dijawab, dan lama sampai "
            "diverifikasi dan dijawab, per bulan, kategori dan kecamatan."
        ),
        keywords=(_("pengaduan"), _("SP4N-LAPOR!"), _("pelayanan publik"), _("waktu tanggapan")),
        frequency="monthly",
        period_column="bulan",
        columns=(
            _month(),
            Column("kode_kategori", CODE, _("Kode kategori"), _("Kode kategori pengaduan.")),
            Column("nama_kategori", LABEL, _("Nama kategori"), _("Nama kategori pengaduan.")),
            *_kecamatan_columns(),
            Column(
                "diterima",
                COUNT,
                _("Diterima"),
                _("Laporan yang masuk pada bulan itu."),
                _("laporan"),
                "integer",
            ),
            Column(
                "diverifikasi",
                COUNT,
                _("Diverifikasi"),
                _("Laporan yang diverifikasi pada bulan itu."),
                _("laporan"),
                "integer",
            ),
            Column(
                "dijawab",
                COUNT,
                _("Dijawab"),
                _("Laporan yang dijawab pada bulan itu."),
                _("laporan"),
                "integer",
            ),
            Column(
                "dijawab_tepat_waktu",
                COUNT,
                _("Dijawab tepat waktu"),
                _("Laporan yang dijawab pada bulan itu paling lambat pada batas waktu tindak lanjut."),
                _("laporan"),
                "integer",
                part_of="dijawab",
            ),
            Column(
                "persen_dijawab_tepat_waktu",
                DERIVED,
                _("Persen dijawab tepat waktu"),
                _("Dijawab tepat waktu dibagi dijawab, dikali 100."),
                _("persen"),
                "decimal",
                base="dijawab",
                sources=("dijawab", "dijawab_tepat_waktu"),
                decimals=1,
            ),
            Column(
                "median_hari_kerja_verifikasi",
                DERIVED,
                _("Median hari kerja sampai diverifikasi"),
                _(
                    "Median hari kerja dari laporan masuk sampai diverifikasi, untuk laporan yang "
                    "diverifikasi pada bulan itu."
                ),
                _("hari kerja"),
                "integer",
                base="diverifikasi",
            ),
            Column(
                "median_hari_kerja_jawaban",
                DERIVED,
                _("Median hari kerja sampai dijawab"),
                _(
                    "Median hari kerja dari laporan masuk sampai dijawab, untuk laporan yang dijawab "
                    "pada bulan itu (31 berarti 31 hari kerja atau lebih)."
                ),
                _("hari kerja"),
                "integer",
                base="dijawab",
            ),
        ),
        rows=report_rows,
        marginals=(("bulan", "kode_kategori"), ("bulan", "kode_kecamatan"), ("bulan",)),
        source=_("Tabel ringkasan pemantauan (rekap bulanan laporan)."),
    )
)

IKM = register(
    DataSet(
        slug="indeks-kepuasan-masyarakat",
        title=_("Indeks Kepuasan Masyarakat per kantor"),
        description=_(
            "Indeks Kepuasan Masyarakat (IKM, skala 25-100, PermenPANRB 14/2017) per kantor dan triwulan, "
            "dari Survei Kepuasan Masyarakat setelah layanan selesai."
        ),
        keywords=(_("kepuasan masyarakat"), _("IKM"), _("SKM"), _("pelayanan publik")),
        frequency="quarterly",
        period_column="triwulan",
        columns=(
            Column(
                "triwulan",
                PERIOD,
                _("Triwulan"),
                _("Triwulan kalender, dalam bentuk TTTT-Qn (mis. 2026-Q3)."),
            ),
            *_office_columns(),
            Column(
                "responden",
                COUNT,
                _("Responden"),
                _("Kuesioner survei yang diisi untuk layanan kantor itu yang selesai pada triwulan itu."),
                _("responden"),
                "integer",
            ),
            Column(
                "ikm",
                DERIVED,
                _("IKM"),
                _(
                    "Indeks Kepuasan Masyarakat: rata-rata nilai 9 unsur (1-4) dikali 25, "
                    "dibulatkan 2 desimal."
                ),
                _("indeks (25-100)"),
                "decimal",
                base="responden",
                decimals=2,
            ),
            Column(
                "mutu",
                DERIVED,
                _("Mutu pelayanan"),
                _("A (88,31-100), B (76,61-88,30), C (65,00-76,60) atau D (25,00-64,99)."),
                datatype="string",
                base="responden",
            ),
        ),
        rows=ikm_rows,
        marginals=(),
        source=_("Jawaban Survei Kepuasan Masyarakat (hanya nilai, tanpa saran)."),
    )
)


# --- aspirations (usulan), for the aspirations app to register ------------------------------------------


def aspiration_rows(counts: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the aspirations data set from counts keyed ``year``, ``kecamatan_code``, ``desa_code``,
    ``topic``, ``proposed``, ``accepted``, ``built``, ``supporters`` (one per year, desa and topic)."""
    found = list(counts)
    names = region_names(
        [row.get("desa_code") or "" for row in found] + [row.get("kecamatan_code") or "" for row in found]
    )
    rows = [
        {
            "tahun": str(row["year"]),
            "kode_kecamatan": row.get("kecamatan_code") or "",
            "nama_kecamatan": names.get(row.get("kecamatan_code") or "", ""),
            "kode_desa": row.get("desa_code") or "",
            "nama_desa": names.get(row.get("desa_code") or "", ""),
            "topik": str(row["topic"]),
            "diusulkan": int(row["proposed"]),
            "diterima": int(row["accepted"]),
            "dibangun": int(row["built"]),
            "pendukung": int(row["supporters"]),
        }
        for row in found
    ]
    rows.sort(key=lambda row: (row["tahun"], row["kode_desa"], row["topik"]))
    return rows


def aspirations_dataset(counts: Callable[[], Iterable[Mapping[str, Any]]]) -> DataSet:
    """The aspirations data set, its rows from ``counts`` (``aspirations.selectors.open_data_counts``).

    Registered below with the aspirations app's counts; the tests build it with stand-in counts.
    """
    return DataSet(
        slug="aspirasi-per-desa",
        title=_("Aspirasi warga per desa dan topik"),
        description=_(
            "Usulan warga untuk Musrenbang per tahun, desa dan topik: yang diusulkan, yang masuk rencana "
            "(RKPDes atau RKPD), yang dibangun, dan jumlah warga pendukungnya."
        ),
        keywords=(_("aspirasi"), _("Musrenbang"), _("perencanaan pembangunan"), _("partisipasi warga")),
        frequency="annual",
        period_column="tahun",
        columns=(
            Column("tahun", PERIOD, _("Tahun"), _("Tahun usulan diajukan, dalam bentuk TTTT.")),
            *_kecamatan_columns(),
            Column(
                "kode_desa",
                CODE,
                _("Kode desa"),
                _("Kode wilayah Kemendagri desa atau kelurahan (mis. 18.03.04.2009)."),
            ),
            Column("nama_desa", LABEL, _("Nama desa"), _("Nama desa atau kelurahan.")),
            Column(
                "topik",
                CODE,
                _("Topik"),
                _("Kode topik usulan (mis. jalan, air bersih, kesehatan, pendidikan, ekonomi)."),
            ),
            Column(
                "diusulkan",
                COUNT,
                _("Diusulkan"),
                _("Usulan yang diajukan warga pada tahun itu."),
                _("usulan"),
                "integer",
            ),
            Column(
                "diterima",
                COUNT,
                _("Masuk rencana"),
                _("Usulan tahun itu yang masuk rencana pembangunan (RKPDes atau RKPD)."),
                _("usulan"),
                "integer",
                part_of="diusulkan",
            ),
            Column(
                "dibangun",
                COUNT,
                _("Dibangun"),
                _("Usulan tahun itu yang sudah dibangun atau dilaksanakan."),
                _("usulan"),
                "integer",
                part_of="diterima",
            ),
            Column(
                "pendukung",
                COUNT,
                _("Pendukung"),
                _("Warga desa itu yang menyatakan mendukung usulan-usulan tersebut."),
                _("orang"),
                "integer",
            ),
        ),
        rows=lambda: aspiration_rows(counts()),
        marginals=(("tahun", "kode_desa"), ("tahun", "kode_kecamatan"), ("tahun", "topik"), ("tahun",)),
        source=_("Usulan warga (aspirasi) dan dukungannya di platform ini."),
    )


ASPIRATIONS = register(aspirations_dataset(open_data_counts))
