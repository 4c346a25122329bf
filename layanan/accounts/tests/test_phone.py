"""Phone numbers read with phonenumbers: forms stay forgiving, message senders are international."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from layanan.accounts.phone import Sender, mask_phone, normalize_phone, sender_number


@pytest.mark.parametrize(
    "typed",
    ["081234567890", "0812 3456 7890", "0812-3456-7890", "6281234567890", "+62 812-3456-7890", "81234567890"],
)
def test_every_usual_spelling_of_an_indonesian_mobile_is_one_number(typed):
    assert normalize_phone(typed) == "+6281234567890"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "08123",
        "0215551234",
        "+62215551234",
        "+819012345678",
        "+1 202 555 0123",
        "0062812345678",
        "0812abc",
    ],
)
def test_a_landline_a_foreign_or_a_broken_number_is_refused_in_a_form(typed):
    with pytest.raises(ValidationError, match="Nomor HP tidak dikenali"):
        normalize_phone(typed)


@pytest.mark.parametrize(
    ("wa_id", "expected"),
    [
        ("6281234567890", Sender(phone="+6281234567890", country="ID")),
        ("819012345678", Sender(country="JP", international="+819012345678")),
        ("12025550123", Sender(country="US", international="+12025550123")),
        ("60123456789", Sender(country="MY", international="+60123456789")),
        ("62215551234", Sender(country="ID")),  # an Indonesian landline: not a person's phone
        ("08123", Sender()),
        ("wa-id", Sender()),
    ],
)
def test_a_wa_id_is_always_international(wa_id, expected):
    assert sender_number(wa_id, channel="whatsapp") == expected


@pytest.mark.parametrize(
    ("sender", "expected"),
    [
        ("081234567890", Sender(phone="+6281234567890", country="ID")),
        ("6281234567890", Sender(phone="+6281234567890", country="ID")),
        ("+6281234567890", Sender(phone="+6281234567890", country="ID")),
        ("+81 90-1234-5678", Sender(country="JP", international="+819012345678")),
        ("00819012345678", Sender(country="JP", international="+819012345678")),
        ("819012345678", Sender()),  # bare digits: neither local nor marked international
        ("81234567890", Sender()),
        ("TELKOMSEL", Sender()),
        ("3636", Sender()),
    ],
)
def test_an_sms_sender_is_local_08_or_international(sender, expected):
    result = sender_number(sender, channel="sms")
    assert result == expected
    assert result.is_foreign == bool(expected.international)


def test_the_mask_shows_enough_to_recognise_not_to_dial():
    assert mask_phone("+6281234567890") == "0812****7890"
