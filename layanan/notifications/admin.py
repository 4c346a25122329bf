"""The admin of notifications: editable message templates with a preview, and a read-only log."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from layanan.notifications.models import ContactPreference, Message, MessageTemplate
from layanan.notifications.rendering import SAMPLE_DATA, render, sms_segments


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin[MessageTemplate]):
    list_display = ("event", "channel", "language", "updated_at")
    list_filter = ("channel", "language")
    search_fields = ("event",)
    readonly_fields = ("preview",)
    fields = ("event", "channel", "language", "subject", "body", "whatsapp_template", "preview")

    @admin.display(description=_("Pratinjau (data contoh)"))
    def preview(self, obj: MessageTemplate) -> str:
        if obj.pk is None:
            return str(_("Simpan dulu untuk melihat pratinjau."))
        try:
            rendered = render(event=obj.event, channel=obj.channel, language=obj.language, data=SAMPLE_DATA)
        except (KeyError, ValueError):
            return str(_("Template tidak dapat ditampilkan: periksa isian {…}."))
        rows: list[tuple[str, str]] = []
        if obj.channel == "email":
            rows.append((str(_("Judul")), rendered.subject))
        rows.append((str(_("Isi")), rendered.text))
        if obj.channel == "sms":
            segments = sms_segments(rendered.text)
            note = _("%(count)d bagian SMS (%(encoding)s, %(chars)d karakter).") % {
                "count": segments.count,
                "encoding": segments.encoding,
                "chars": segments.characters,
            }
            if segments.too_long:
                note = f"{note} " + str(_("Peringatan: lebih dari 2 bagian SMS; persingkat teksnya."))
            rows.append((str(_("Panjang")), str(note)))
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    """Read-only: the delivery log without addresses or texts (search it on petugas/pesan/)."""

    list_display = (
        "pk",
        "event",
        "tracking_number",
        "channel",
        "status",
        "attempts",
        "error_code",
        "created_at",
    )
    list_filter = ("status", "channel", "event")
    search_fields = ("tracking_number", "gateway_ref")
    fields = (
        "key",
        "event",
        "tracking_number",
        "language",
        "channels",
        "channel",
        "status",
        "attempts",
        "unconfirmed",
        "next_attempt_at",
        "gateway_ref",
        "error_code",
        "history",
        "created_at",
        "sent_at",
        "delivered_at",
        "failed_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False


@admin.register(ContactPreference)
class ContactPreferenceAdmin(admin.ModelAdmin[ContactPreference]):
    list_display = ("user", "whatsapp", "sms", "email", "optional_messages", "updated_at")
    raw_id_fields = ("user",)
