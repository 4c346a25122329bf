"""The abbreviations people meet on the platform, each explained in plain words where it appears.

A service page says "fotokopi KK" and "SKTM"; someone who has never dealt with an office does not
know what they are. :data:`TERMS` explains each one once, in Indonesian (English through the
catalogue of translations). The templates use ``{% load terms %}`` (``layanan/core/templatetags/terms.py``):

- ``{% explain text %}`` writes ``text`` with the first mention of each term on the page wrapped in
  ``<abbr title="…">``, and remembers which terms the page used;
- ``{% terms_used %}`` then lists those terms with their meaning (a ``<dl>``): the part that works
  on a phone, where nobody can hover over an ``<abbr>``.

The list is also the glossary page's (``core:glossary``). Add a term here when a new text uses one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    word: str  # as written in the texts (case-sensitive: "KK", not "kk")
    expansion: str | Promise  # the words the abbreviation stands for, if it is one
    meaning: str | Promise  # what it is, for someone who has never seen it

    @property
    def slug(self) -> str:
        return "istilah-" + re.sub(r"[^a-z0-9]+", "-", self.word.lower()).strip("-")


TERMS: tuple[Term, ...] = (
    Term(
        "NIK",
        _("Nomor Induk Kependudukan"),
        _("Nomor 16 angka di KTP-el dan Kartu Keluarga Anda. Setiap orang punya satu NIK seumur hidup."),
    ),
    Term(
        "KK",
        _("Kartu Keluarga"),
        _("Kartu berisi semua anggota satu keluarga beserta NIK masing-masing, dikeluarkan Disdukcapil."),
    ),
    Term(
        "KTP-el",
        _("Kartu Tanda Penduduk elektronik"),
        _("Kartu identitas untuk warga berusia 17 tahun ke atas atau yang sudah/pernah menikah."),
    ),
    Term("KTP", _("Kartu Tanda Penduduk"), _("Kartu identitas; kini berbentuk KTP-el.")),
    Term(
        "KIA",
        _("Kartu Identitas Anak"),
        _("Kartu identitas untuk anak di bawah 17 tahun, dikeluarkan Disdukcapil."),
    ),
    Term(
        "SKTM",
        _("Surat Keterangan Tidak Mampu"),
        _(
            "Surat dari desa atau kelurahan yang menyatakan keluarga Anda kurang mampu, misalnya untuk "
            "keringanan biaya sekolah atau berobat."
        ),
    ),
    Term(
        "SKCK",
        _("Surat Keterangan Catatan Kepolisian"),
        _("Surat dari kepolisian tentang catatan kejahatan, sering diminta untuk melamar kerja."),
    ),
    Term(
        "SPTJM",
        _("Surat Pernyataan Tanggung Jawab Mutlak"),
        _("Surat yang Anda tanda tangani untuk menyatakan bahwa keterangan yang Anda berikan benar."),
    ),
    Term(
        "SKPWNI",
        _("Surat Keterangan Pindah Warga Negara Indonesia"),
        _("Surat pindah dari Disdukcapil daerah asal saat Anda pindah tempat tinggal."),
    ),
    Term("SKU", _("Surat Keterangan Usaha"), _("Surat dari desa atau kelurahan bahwa Anda memiliki usaha.")),
    Term("RT", _("Rukun Tetangga"), _("Kelompok rumah terkecil di desa atau kelurahan, dipimpin ketua RT.")),
    Term("RW", _("Rukun Warga"), _("Gabungan beberapa RT, dipimpin ketua RW.")),
    Term("KUA", _("Kantor Urusan Agama"), _("Kantor di kecamatan yang mencatat pernikahan umat Islam.")),
    Term(
        "Disdukcapil",
        _("Dinas Kependudukan dan Pencatatan Sipil"),
        _("Kantor kabupaten yang mengurus KTP-el, KK, akta kelahiran, akta kematian, dan surat pindah."),
    ),
    Term(
        "TTE",
        _("Tanda Tangan Elektronik"),
        _("Tanda tangan pejabat dalam bentuk digital. Surat ber-TTE sah tanpa cap basah."),
    ),
    Term(
        "QR",
        _("kode QR"),
        _("Kotak bergambar titik yang dapat dipindai kamera ponsel untuk memeriksa surat."),
    ),
    Term("SK", _("Surat Keputusan"), _("Keputusan tertulis seorang pejabat.")),
    Term("UU", _("Undang-Undang"), _("Peraturan yang dibuat DPR bersama Presiden.")),
    Term(
        "SIAK",
        _("Sistem Informasi Administrasi Kependudukan"),
        _("Sistem data penduduk milik Dukcapil tempat NIK dan KK Anda tercatat."),
    ),
    Term(
        "HVS",
        "",
        _("Kertas putih biasa untuk mencetak dan fotokopi, ukuran A4 atau F4."),
    ),
    Term(
        "PNBP", _("Penerimaan Negara Bukan Pajak"), _("Biaya resmi yang disetor ke kas negara, bukan pajak.")
    ),
    Term("TNI", _("Tentara Nasional Indonesia"), _("Angkatan bersenjata Republik Indonesia.")),
    Term("WNI", _("Warga Negara Indonesia"), _("Orang yang berkewarganegaraan Indonesia.")),
    Term("HP", _("telepon genggam"), _("Ponsel Anda. Nomor HP dipakai untuk masuk dan menerima kabar.")),
    Term("SMS", _("pesan singkat"), _("Pesan teks biasa di ponsel, tanpa internet.")),
    Term(
        "DTKS",
        _("Data Terpadu Kesejahteraan Sosial"),
        _("Daftar keluarga penerima bantuan sosial pemerintah."),
    ),
    Term(
        "DTSEN",
        _("Data Tunggal Sosial dan Ekonomi Nasional"),
        _("Data nasional pengganti DTKS untuk menentukan penerima bantuan."),
    ),
    Term("PKH", _("Program Keluarga Harapan"), _("Bantuan tunai bersyarat untuk keluarga kurang mampu.")),
    Term("BPNT", _("Bantuan Pangan Non Tunai"), _("Bantuan bahan pangan untuk keluarga kurang mampu.")),
    Term(
        "KIP",
        _("Kartu Indonesia Pintar"),
        _("Kartu bantuan biaya sekolah untuk anak dari keluarga kurang mampu."),
    ),
    Term(
        "KUR",
        _("Kredit Usaha Rakyat"),
        _("Pinjaman usaha berbunga rendah dari bank dengan jaminan pemerintah."),
    ),
    Term(
        "UMKM",
        _("Usaha Mikro, Kecil, dan Menengah"),
        _("Usaha kecil milik warga, misalnya warung atau kerajinan."),
    ),
    Term("RSUD", _("Rumah Sakit Umum Daerah"), _("Rumah sakit milik pemerintah kabupaten.")),
    Term("OPD", _("Organisasi Perangkat Daerah"), _("Dinas atau badan pemerintah kabupaten.")),
    Term(
        "SKM",
        _("Survei Kepuasan Masyarakat"),
        _("Beberapa pertanyaan singkat tentang pelayanan yang Anda terima, agar kantor bisa memperbaikinya."),
    ),
    Term(
        "SP4N-LAPOR!",
        _("Sistem Pengelolaan Pengaduan Pelayanan Publik Nasional"),
        _("Sistem pengaduan nasional; laporan di luar wewenang kabupaten diteruskan ke sana."),
    ),
    Term(
        "Musrenbang",
        _("Musyawarah Perencanaan Pembangunan"),
        _("Rapat warga dan pemerintah desa atau kecamatan yang memutuskan apa yang dibangun tahun depan."),
    ),
    Term(
        "RKPDes",
        _("Rencana Kerja Pemerintah Desa"),
        _("Daftar kegiatan dan pembangunan desa untuk satu tahun, dengan anggarannya."),
    ),
    Term(
        "RKPD",
        _("Rencana Kerja Pemerintah Daerah"),
        _("Daftar kegiatan dan pembangunan pemerintah kabupaten untuk satu tahun."),
    ),
)

_BY_WORD = {term.word: term for term in TERMS}


@lru_cache(maxsize=1)
def term_pattern() -> re.Pattern[str]:
    """Any term as a whole word (longest first, so "KTP-el" wins over "KTP"), not inside a longer
    word, a hyphenated word ("KTP-nya" still counts as KTP) or an HTML entity/tag name."""
    words = sorted(_BY_WORD, key=len, reverse=True)
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<![\w&<-])({alternatives})(?![\w])")


def find(text: str) -> list[Term]:
    """The terms ``text`` mentions, in order of first mention, each once."""
    seen: dict[str, Term] = {}
    for match in term_pattern().finditer(text or ""):
        seen.setdefault(match[1], _BY_WORD[match[1]])
    return list(seen.values())


def term(word: str) -> Term | None:
    return _BY_WORD.get(word)
