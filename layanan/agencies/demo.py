"""Letterheads for the offices the demo uses, so a demo letter looks like a real one.

``manage.py seed_demo_letterheads`` (run by ``make run``, refused in production)
fills only the fields an office has left empty: what an administrator or the
office's staff wrote is never touched. Phones are in the demo block
(0811-0000-0xxx) and emails at ``demo.example``: nobody real is reached.
"""

from __future__ import annotations

from django.db import transaction

from layanan.agencies.models import Office
from layanan.agencies.services import LETTERHEAD_FIELDS

DEMO_LETTERHEADS: dict[str, dict[str, str]] = {
    # Desa Tanjung Raja, Kecamatan Tanjung Raja: Rini's office; its head signs the village letters.
    "desa-18-03-04-2009": {
        "letterhead_lines": "PEMERINTAH KABUPATEN LAMPUNG UTARA\nKECAMATAN TANJUNG RAJA\nDESA TANJUNG RAJA",
        "address": "Jl. Poros Desa Tanjung Raja No. 12, Tanjung Raja, Lampung Utara 34557",
        "phone": "0811-0000-0101",
        "email": "desa.tanjungraja@demo.example",
        "head_title": "Kepala Desa Tanjung Raja",
        "letter_code": "TJR",
    },
    # Kelurahan Kotabumi Pasar, Kecamatan Kotabumi: Siti's home.
    "desa-18-03-02-1005": {
        "letterhead_lines": (
            "PEMERINTAH KABUPATEN LAMPUNG UTARA\nKECAMATAN KOTABUMI\nKELURAHAN KOTABUMI PASAR"
        ),
        "address": "Jl. Jenderal Sudirman No. 45, Kotabumi Pasar, Kotabumi, Lampung Utara 34511",
        "phone": "0811-0000-0102",
        "email": "kel.kotabumipasar@demo.example",
        "head_title": "Lurah Kotabumi Pasar",
        "letter_code": "KBP",
    },
    "kec-18-03-02": {
        "letterhead_lines": "PEMERINTAH KABUPATEN LAMPUNG UTARA\nKECAMATAN KOTABUMI",
        "address": "Jl. Kapten Tendean No. 8, Kotabumi, Lampung Utara 34511",
        "phone": "0811-0000-0103",
        "email": "kec.kotabumi@demo.example",
        "head_title": "Camat Kotabumi",
        "letter_code": "KEC-KTB",
    },
    "kec-18-03-04": {
        "letterhead_lines": "PEMERINTAH KABUPATEN LAMPUNG UTARA\nKECAMATAN TANJUNG RAJA",
        "address": "Jl. Lintas Tengah Sumatera No. 3, Tanjung Raja, Lampung Utara 34557",
        "phone": "0811-0000-0104",
        "email": "kec.tanjungraja@demo.example",
        "head_title": "Camat Tanjung Raja",
        "letter_code": "KEC-TJR",
    },
    "disdukcapil": {
        "address": "Jl. Letjen Alamsyah Ratu Prawiranegara No. 2, Kotabumi, Lampung Utara 34511",
        "phone": "0811-0000-0105",
        "email": "disdukcapil@demo.example",
        "head_title": "Kepala Dinas Kependudukan dan Pencatatan Sipil",
        "letter_code": "DUKCAPIL",
    },
    "dinas-pupr": {
        "address": "Jl. Soekarno-Hatta No. 17, Kotabumi, Lampung Utara 34511",
        "phone": "0811-0000-0106",
        "email": "pupr@demo.example",
        "head_title": "Kepala Dinas Pekerjaan Umum dan Penataan Ruang",
        "letter_code": "PUPR",
    },
}


def demo_letterheads_fill() -> int:
    """Fill the empty letterhead fields of the demo offices that exist; returns how many offices changed."""
    changed = 0
    with transaction.atomic():
        offices = Office.objects.select_for_update().filter(code__in=DEMO_LETTERHEADS)
        for office in offices:
            wanted = DEMO_LETTERHEADS[office.code]
            empty = [name for name in LETTERHEAD_FIELDS if name in wanted and not getattr(office, name)]
            if not empty:
                continue
            for name in empty:
                setattr(office, name, wanted[name])
            office.save(update_fields=empty)
            changed += 1
    return changed
