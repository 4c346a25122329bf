"""Signatures as a receiver checks them: verify() accepts a fresh, untouched body only."""

from __future__ import annotations

import time

from layanan.webhooks.signing import signature_header, verify

SECRET = "whsec_uji"
BODY = b'{"id":"1","type":"report.received"}'


def test_a_fresh_signature_of_the_body_verifies():
    header = signature_header([SECRET], BODY)

    assert verify(SECRET, header, BODY)
    assert verify(SECRET, header, BODY.decode())


def test_a_changed_body_is_refused():
    header = signature_header([SECRET], BODY)

    assert not verify(SECRET, header, BODY.replace(b"received", b"closed"))


def test_another_secret_is_refused():
    header = signature_header([SECRET], BODY)

    assert not verify("whsec_lain", header, BODY)


def test_an_old_timestamp_is_refused_as_a_replay():
    old = int(time.time()) - 301
    header = signature_header([SECRET], BODY, timestamp=old)

    assert not verify(SECRET, header, BODY)
    assert verify(SECRET, header, BODY, tolerance=600)


def test_a_timestamp_from_the_future_is_refused_too():
    header = signature_header([SECRET], BODY, timestamp=int(time.time()) + 3600)

    assert not verify(SECRET, header, BODY)


def test_a_timestamp_moved_without_resigning_is_refused():
    at = int(time.time()) - 1000
    header = signature_header([SECRET], BODY, timestamp=at)
    moved = header.replace(f"t={at}", f"t={int(time.time())}")

    assert not verify(SECRET, moved, BODY)


def test_malformed_headers_are_refused():
    for header in ("", "t=abc,v1=00", "v1=00", f"t={int(time.time())}", "garbage"):
        assert not verify(SECRET, header, BODY)


def test_during_a_rotation_both_secrets_verify():
    header = signature_header(["whsec_baru", SECRET], BODY)

    assert header.count("v1=") == 2
    assert verify("whsec_baru", header, BODY)
    assert verify(SECRET, header, BODY)
