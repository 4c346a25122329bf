import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured

from layanan.accounts.models import User
from layanan.core import crypto
from layanan.core.crypto import DecryptionError, blind_index, decrypt, encrypt, needs_reencryption

NIK = "1803025708859001"
OLD_KEY = "old-key-material-for-tests-0123456789abcdef"
NEW_KEY = "new-key-material-for-tests-fedcba9876543210"


def test_a_value_round_trips_and_the_token_hides_it():
    token = encrypt(NIK, context="accounts.user.nik")
    assert token.startswith("enc1:")
    assert NIK not in token
    assert decrypt(token, context="accounts.user.nik") == NIK


def test_sealing_the_same_value_twice_gives_different_tokens():
    assert encrypt(NIK, context="accounts.user.nik") != encrypt(NIK, context="accounts.user.nik")


def test_unicode_and_empty_text_round_trip():
    for text in ("Siti Aminah — Kotabumi", ""):
        assert decrypt(encrypt(text, context="c"), context="c") == text


def test_a_value_sealed_for_one_column_does_not_open_in_another():
    token = encrypt(NIK, context="accounts.user.nik")
    with pytest.raises(DecryptionError, match="integrity"):
        decrypt(token, context="accounts.user.kk")


def test_a_tampered_ciphertext_is_refused():
    token = encrypt(NIK, context="accounts.user.nik")
    prefix, key_id, body = token.split(":")
    flipped = body[:20] + ("A" if body[20] != "A" else "B") + body[21:]
    with pytest.raises(DecryptionError):
        decrypt(f"{prefix}:{key_id}:{flipped}", context="accounts.user.nik")


@pytest.mark.parametrize(
    "token", ["", "1803025708859001", "enc1:abc", "enc2:abcd1234:AAAA", "enc1:abcd1234:!!!", "enc1:x:AAAA"]
)
def test_a_malformed_value_is_refused_with_a_decryption_error(token):
    with pytest.raises(DecryptionError):
        decrypt(token, context="accounts.user.nik")


def test_after_rotation_the_old_key_still_opens_and_the_value_needs_reencryption(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    token = encrypt(NIK, context="c")
    assert not needs_reencryption(token)

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    assert decrypt(token, context="c") == NIK
    assert needs_reencryption(token)
    fresh = encrypt(NIK, context="c")
    assert not needs_reencryption(fresh)
    assert fresh.split(":")[1] != token.split(":")[1]


def test_a_value_whose_key_was_removed_no_longer_opens(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    token = encrypt(NIK, context="c")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(DecryptionError, match="no configured key"):
        decrypt(token, context="c")


def test_needs_reencryption_refuses_a_value_that_is_not_sealed():
    with pytest.raises(DecryptionError):
        needs_reencryption(NIK)


def test_it_refuses_to_run_without_any_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        encrypt(NIK, context="c")


def test_the_blind_index_is_stable_and_separated_by_purpose():
    assert blind_index(NIK, purpose="nik") == blind_index(NIK, purpose="nik")
    assert blind_index(NIK, purpose="nik") != blind_index(NIK, purpose="kk")
    assert blind_index(NIK, purpose="nik") != blind_index("1803025708859002", purpose="nik")
    assert len(blind_index(NIK, purpose="nik")) == 64


def test_the_blind_index_is_keyed(settings):
    settings.BLIND_INDEX_KEY = "first-index-key-0123456789abcdefghij"
    first = blind_index(NIK, purpose="nik")
    settings.BLIND_INDEX_KEY = "second-index-key-0123456789abcdefghi"
    assert blind_index(NIK, purpose="nik") != first
    settings.BLIND_INDEX_KEY = "first-index-key-0123456789abcdefghij"
    assert blind_index(NIK, purpose="nik") == first


def test_the_blind_index_is_not_a_plain_hash_of_the_value():
    import hashlib

    assert blind_index(NIK, purpose="nik") != hashlib.sha256(NIK.encode()).hexdigest()
    assert blind_index(NIK, purpose="nik") != hashlib.sha256(f"nik\x00{NIK}".encode()).hexdigest()


def test_the_blind_index_refuses_to_run_without_a_key(settings):
    settings.BLIND_INDEX_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        blind_index(NIK, purpose="nik")


def test_the_encryption_and_index_keys_are_derived_apart():
    # The same material must not give the same bytes for sealing and for hashing.
    material = "shared-material-0123456789abcdefghijkl"
    assert crypto._derive(material, b"layanan field encryption v1") != crypto._index_key(material)


def test_an_encrypted_field_is_bound_to_its_column():
    assert User._meta.get_field("nik").context == "accounts.user.nik"
    assert User._meta.get_field("kk").context == "accounts.user.kk"


@pytest.mark.django_db
def test_an_encrypted_field_refuses_a_filter_by_value_instead_of_matching_nothing():
    with pytest.raises(FieldError, match="blind index"):
        User.objects.filter(nik=NIK)
    with pytest.raises(FieldError):
        User.objects.filter(nik__icontains="1803")
    with pytest.raises(FieldError):
        User.objects.filter(nik__in=[NIK])


@pytest.mark.django_db
def test_an_encrypted_field_may_be_filtered_for_having_no_value():
    User.objects.create_user("081200000099", "x" * 12, full_name="Tanpa NIK")
    assert User.objects.filter(nik="").count() == 1
    assert User.objects.filter(nik__isnull=True).count() == 0
    assert User.objects.exclude(nik="").count() == 0
