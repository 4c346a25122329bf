"""Forms of the reporter's and the public's complaint pages.

``ReportForm`` is the one short page a first-time reporter fills in on a
phone: kind, category, what happened, where (desa, optional address and
point), when, up to three photos, and the two privacy choices. Photos are
checked here with :func:`layanan.core.uploads.clean_upload` (so a
refusal shows next to the field) and re-encoded again, EXIF dropped, by
``services.report_submit``. When the reporter ticks "use the location of the
photo", :func:`exif_location` reads the GPS position from the ORIGINAL file,
before anything re-encodes it.
"""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import ExifTags, Image

from layanan.complaints.models import Category, Kind
from layanan.complaints.selectors import PUBLIC_STATUSES
from layanan.complaints.services import PHOTOS_MAX, TEXT_MAX, TEXT_MIN, voice_anonymous_message
from layanan.core.audio import CleanAudio, clean_voice, length_words
from layanan.core.forms import FlexibleDateField, PhotosField, coordinate_field, input_attrs
from layanan.core.uploads import UploadRefused
from layanan.regions.forms import village_choices
from layanan.regions.models import Region
from layanan.regions.selectors import district_list, region_get

# The public lookup's words for both kinds of number (the application side's page uses them too).
LOOKUP_NUMBER_HINT = gettext_lazy(
    "Tertulis di pesan yang Anda terima: P-7K94M-9XH3C untuk permohonan, A-4MX7K-2P9RH untuk laporan."
)
LOOKUP_PHONE_LABEL = gettext_lazy("4 angka terakhir nomor HP Anda")
LOOKUP_PHONE_HINT = gettext_lazy(
    "Nomor HP yang dipakai saat mengajukan permohonan atau mengirim laporan. "
    "Misalnya 7890 untuk 0812 3456 7890."
)

MAX_PHOTOS = PHOTOS_MAX
_SIX_PLACES = Decimal("0.000001")

KIND_HINTS = {
    Kind.COMPLAINT: gettext_lazy("Ada layanan atau fasilitas umum yang bermasalah dan perlu diperbaiki."),
    Kind.ASPIRATION: gettext_lazy("Anda punya usul atau saran untuk pemerintah kabupaten."),
    Kind.INFORMATION: gettext_lazy("Anda ingin mendapat informasi atau dokumen publik dari pemerintah."),
}


# --- the location of a photo ---------------------------------------------------------------------------


def _degrees(value: Any, ref: Any) -> Decimal | None:
    """Degrees, minutes, seconds (EXIF rationals) and N/S/E/W as signed decimal degrees."""
    try:
        d, m, s = (Decimal(str(float(part))) for part in value)
    except (TypeError, ValueError, ZeroDivisionError, InvalidOperation):
        return None
    degrees = d + m / 60 + s / 3600
    if str(ref).strip().upper() in ("S", "W"):
        degrees = -degrees
    return degrees.quantize(_SIX_PLACES, rounding=ROUND_HALF_UP)


def exif_location(upload: UploadedFile) -> tuple[Decimal, Decimal] | None:
    """The GPS position recorded in a photo's EXIF, or None (no EXIF, no GPS, not an image, nonsense).

    Read from the original upload, before re-encoding drops the EXIF. Only
    the headers are parsed; the pixels are never decoded. The upload is
    rewound afterwards.
    """
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    except (OSError, ValueError, SyntaxError, TypeError, KeyError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)
    tags = ExifTags.GPS
    if not gps or tags.GPSLatitude not in gps or tags.GPSLongitude not in gps:
        return None
    latitude = _degrees(gps[tags.GPSLatitude], gps.get(tags.GPSLatitudeRef, "N"))
    longitude = _degrees(gps[tags.GPSLongitude], gps.get(tags.GPSLongitudeRef, "E"))
    if latitude is None or longitude is None:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (latitude == 0 and longitude == 0):
        return None
    return latitude, longitude


# --- the report form -----------------------------------------------------------------------------------


class CategoryField(forms.ModelChoiceField[Category]):
    """A category choice named in the reader's language (``Category.t``)."""

    def label_from_instance(self, obj: Category) -> str:
        return str(obj.t.name)


class VoiceField(forms.FileField):
    """One voice note, checked by content and re-encoded as Opus (:func:`layanan.core.audio.clean_voice`).

    ``accept="audio/*"`` with ``capture`` lets a phone record straight into the field without
    JavaScript; where the browser has MediaRecorder, ``complaints/voice.js`` records in the page
    and puts the recording into this same field. Cleaned once, here: the service takes the result.
    """

    widget = forms.ClearableFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": "audio/*", "capture": True, "class": "input"})

    def clean(self, data: Any, initial: Any = None) -> CleanAudio | None:
        upload = super().clean(data, initial)
        if not upload:
            return None
        try:
            return clean_voice(upload)
        except UploadRefused as refused:
            raise ValidationError(str(refused), code="refused") from None


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Jenis laporan"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Pilih jenis laporan.")},
    )
    category = CategoryField(
        label=gettext_lazy("Kategori"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=gettext_lazy("Pilih kategori"),
        error_messages={
            "required": gettext_lazy("Pilih kategori laporan."),
            "invalid_choice": gettext_lazy("Pilih kategori dari daftar."),
        },
        widget=forms.Select(attrs={"class": "input"}),
    )
    text = forms.CharField(
        label=gettext_lazy("Apa yang terjadi?"),
        help_text=gettext_lazy(
            "Ceritakan apa, di mana, dan sejak kapan. Paling sedikit 10 dan paling banyak 4000 huruf. "
            "Boleh dikosongkan bila Anda mengirim pesan suara."
        ),
        required=False,
        max_length=TEXT_MAX,
        error_messages={
            "max_length": gettext_lazy(
                "Laporan terlalu panjang (paling banyak %(limit_value)s huruf, sekarang %(show_value)s)."
            ),
        },
        widget=forms.Textarea(attrs={"class": "input", "rows": "6"}),
    )
    region = forms.ChoiceField(
        label=gettext_lazy("Desa/kelurahan tempat kejadian"),
        choices=(),
        error_messages={
            "required": gettext_lazy("Pilih desa/kelurahan tempat kejadian."),
            "invalid_choice": gettext_lazy("Pilih desa/kelurahan dari daftar."),
        },
        widget=forms.Select(attrs={"class": "input"}),
    )
    address_text = forms.CharField(
        label=gettext_lazy("Alamat atau patokan (tidak wajib)"),
        help_text=gettext_lazy("Misalnya: Jl. Soekarno-Hatta dekat Masjid Agung."),
        max_length=240,
        required=False,
        widget=forms.TextInput(attrs=input_attrs(autocomplete="off")),
    )
    latitude = coordinate_field("latitude")
    longitude = coordinate_field("longitude")
    occurred_on = FlexibleDateField(
        label=gettext_lazy("Tanggal kejadian (tidak wajib)"),
        help_text=gettext_lazy("Misalnya 17/08/2026."),
        required=False,
        error_messages={"invalid": gettext_lazy("Masukkan tanggal yang benar, seperti 17/08/2026.")},
    )
    photos = PhotosField(
        limit=MAX_PHOTOS,
        not_photo=gettext_lazy("Lampiran laporan harus berupa foto (JPG/PNG)."),
        label=gettext_lazy("Foto (tidak wajib)"),
        help_text=gettext_lazy("Paling banyak 3 foto. Data tersembunyi di dalam foto kami hapus."),
    )
    voice = VoiceField(label=gettext_lazy("Pesan suara (tidak wajib)"))  # help text: __init__ (the limit)
    use_photo_location = forms.BooleanField(
        label=gettext_lazy("Gunakan lokasi dari foto"),
        help_text=gettext_lazy(
            "Bila foto menyimpan lokasi pengambilannya, titik itu dipakai sebagai lokasi."
        ),
        required=False,
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonim"),
        help_text=gettext_lazy("Nama dan nomor HP Anda tidak ditampilkan kepada petugas mana pun."),
        required=False,
    )
    confidential = forms.BooleanField(
        label=gettext_lazy("Rahasia"),
        help_text=gettext_lazy("Isi laporan tidak ditampilkan di daftar laporan publik."),
        required=False,
    )
    submit_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"submit_key": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = village_choices()
        self.photo_location_used = False
        self.voice_max_seconds = int(settings.VOICE_MAX_SECONDS)
        self.fields["voice"].help_text = _(
            "Ceritakan dengan suara bila lebih mudah daripada menulis. Paling lama %(longest)s. "
            "Pesan suara hanya didengar petugas yang menangani laporan, tidak pernah diumumkan."
        ) % {"longest": length_words(self.voice_max_seconds)}

    def clean_region(self) -> Region:
        region = region_get(self.cleaned_data["region"])
        if region is None or region.level != Region.Level.VILLAGE:
            raise ValidationError(_("Pilih desa/kelurahan dari daftar."), code="invalid_choice")
        return region

    def clean_occurred_on(self) -> Any:
        value = self.cleaned_data.get("occurred_on")
        if value is not None and value > timezone.localdate():
            raise ValidationError(_("Tanggal kejadian tidak boleh setelah hari ini."), code="future")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_text_or_voice(cleaned)
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and not self.errors.get("latitude"):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, _("Isi garis lintang dan garis bujur, atau kosongkan keduanya."))
        if cleaned.get("use_photo_location") and cleaned.get("photos") and latitude is None:
            for upload in cleaned["photos"]:
                found = exif_location(upload)
                if found is not None:
                    cleaned["latitude"], cleaned["longitude"] = found
                    self.photo_location_used = True
                    break
        return cleaned

    def _check_text_or_voice(self, cleaned: dict[str, Any]) -> None:
        """A text of at least ``TEXT_MIN`` letters, or a voice note (then the text is optional)."""
        if self.errors.get("voice") or self.errors.get("text"):
            return
        text = (cleaned.get("text") or "").strip()
        if cleaned.get("voice") is not None:
            if cleaned.get("anonymous"):
                self.add_error("voice", voice_anonymous_message())
            return
        if not text:
            self.add_error("text", _("Tuliskan apa yang terjadi, atau kirim pesan suara."))
        elif len(text) < TEXT_MIN:
            self.add_error(
                "text",
                _("Ceritakan sedikit lebih lengkap (paling sedikit %(count)s huruf), atau kirim pesan suara.")
                % {"count": TEXT_MIN},
            )

    @property
    def kind_options(self) -> list[tuple[Any, str]]:
        """The kind radios with their one-line explanations, for the template."""
        return [(radio, str(KIND_HINTS[Kind(radio.data["value"])])) for radio in self["kind"]]


# --- the reporter's follow-up ---------------------------------------------------------------------------


class RateForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=gettext_lazy("Apakah Anda puas dengan tindak lanjutnya?"),
        choices=[("1", gettext_lazy("Ya, puas")), ("0", gettext_lazy("Tidak puas"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Pilih puas atau tidak puas.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Komentar (tidak wajib)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"class": "input", "rows": "3"}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Mengapa laporan ini perlu dibuka lagi?"),
        help_text=gettext_lazy("Laporan hanya dapat dibuka lagi satu kali."),
        widget=forms.Textarea(attrs={"class": "input", "rows": "4"}),
        min_length=10,
        max_length=1000,
        error_messages={
            "required": gettext_lazy("Tuliskan alasannya."),
            "min_length": gettext_lazy("Tuliskan alasannya sedikit lebih lengkap."),
        },
    )


# --- the public list ------------------------------------------------------------------------------------


class PublicFilterForm(forms.Form):
    kecamatan = forms.ChoiceField(label=gettext_lazy("Kecamatan"), required=False, choices=())
    category = CategoryField(
        label=gettext_lazy("Kategori"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=gettext_lazy("Semua kategori"),
        to_field_name="slug",
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Semua status")), *[(s.value, s.label) for s in PUBLIC_STATUSES]],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kecamatan = self.fields["kecamatan"]
        assert isinstance(kecamatan, forms.ChoiceField)
        kecamatan.choices = [
            ("", _("Semua kecamatan")),
            *[(d.code, d.name) for d in district_list()],
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "input"


class ReportLookupForm(forms.Form):
    """The report side of the public lookup (``/lacak/``): a report's number and the last four
    digits of the reporter's phone. The same fields, names and words as the application side's
    form, so the one page serves both."""

    tracking_number = forms.CharField(
        label=gettext_lazy("Nomor pelacakan"),
        help_text=LOOKUP_NUMBER_HINT,
        max_length=30,
        error_messages={"required": gettext_lazy("Masukkan nomor pelacakan.")},
        widget=forms.TextInput(
            attrs=input_attrs(autocomplete="off", spellcheck="false", autocapitalize="characters")
        ),
    )
    phone_last4 = forms.CharField(
        label=LOOKUP_PHONE_LABEL,
        help_text=LOOKUP_PHONE_HINT,
        max_length=4,
        min_length=4,
        error_messages={
            "required": gettext_lazy("Masukkan 4 angka terakhir nomor HP."),
            "min_length": gettext_lazy("Masukkan tepat 4 angka."),
            "max_length": gettext_lazy("Masukkan tepat 4 angka."),
        },
        widget=forms.TextInput(
            attrs={
                "class": "input input--short",
                "inputmode": "numeric",
                "autocomplete": "off",
                "pattern": "[0-9]{4}",
            }
        ),
    )

    def clean_phone_last4(self) -> str:
        value = str(self.cleaned_data["phone_last4"]).strip()
        if not value.isdigit():
            raise ValidationError(_("Masukkan tepat 4 angka."), code="digits")
        return value
