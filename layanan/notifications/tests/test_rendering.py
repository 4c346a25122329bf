"""Texts of every event in both languages, administrators' templates, and SMS segment counting."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from layanan.notifications.events import EVENTS, PLACEHOLDERS, placeholders_in
from layanan.notifications.models import MessageTemplate
from layanan.notifications.rendering import SAMPLE_DATA, render, sms_segments


@pytest.mark.parametrize("key", sorted(EVENTS))
def test_every_event_has_indonesian_and_english_texts_with_known_placeholders_only(key):
    event = EVENTS[key]
    for language in ("id", "en"):
        texts = event.texts[language]
        for text in (texts.short, texts.subject, texts.email_body):
            assert text
            assert placeholders_in(text) <= PLACEHOLDERS


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(EVENTS))
def test_every_short_text_fits_two_sms_segments_with_sample_data(key):
    for language in ("id", "en"):
        rendered = render(event=key, channel="sms", language=language, data=SAMPLE_DATA)
        assert "{" not in rendered.text
        assert not sms_segments(rendered.text).too_long, (key, language, rendered.text)


@pytest.mark.django_db
def test_a_text_is_rendered_in_indonesian_and_in_english():
    data = {"first_name": "Siti", "tracking_number": "LAP-1"}

    indonesian = render(event="report.closed", channel="sms", language="id", data=data)
    english = render(event="report.closed", channel="email", language="en", data=data)

    assert indonesian.text == "Halo Siti, laporan LAP-1 ditutup."
    assert english.subject == "Lampura report LAP-1"
    assert english.text == "Hello Siti, report LAP-1 was closed."


@pytest.mark.django_db
def test_an_administrators_template_overrides_the_default_for_its_channel_and_language_only():
    MessageTemplate.objects.create(
        event="report.closed",
        channel="sms",
        language="id",
        body="{first_name}: laporan {tracking_number} selesai. Terima kasih.",
        whatsapp_template="",
    )
    data = {"first_name": "Siti", "tracking_number": "LAP-1"}

    assert render(event="report.closed", channel="sms", language="id", data=data).text == (
        "Siti: laporan LAP-1 selesai. Terima kasih."
    )
    assert render(event="report.closed", channel="whatsapp", language="id", data=data).text.startswith("Halo")


def test_a_template_with_an_unknown_placeholder_is_refused_with_a_clear_message():
    template = MessageTemplate(event="report.closed", channel="sms", language="id", body="NIK {nik} {x")

    with pytest.raises(ValidationError) as caught:
        template.clean()

    assert "Isian tidak dikenal" in str(caught.value.message_dict["body"])


@pytest.mark.parametrize(
    ("text", "encoding", "count"),
    [
        ("", "GSM-7", 0),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # extension characters count twice
        ("€" * 81, "GSM-7", 2),
        ("ă" * 70, "UCS-2", 1),
        ("ă" * 71, "UCS-2", 2),
        ("ă" * 135, "UCS-2", 3),
    ],
)
def test_sms_segments_follow_gsm7_and_ucs2_limits(text, encoding, count):
    segments = sms_segments(text)
    assert (segments.encoding, segments.count) == (encoding, count)
