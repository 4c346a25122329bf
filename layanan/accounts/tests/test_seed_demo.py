"""seed_demo creates the house-style personas on the real offices, once, and prints working sign-ins."""

from __future__ import annotations

import re
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from layanan.accounts import totp
from layanan.accounts.demo import CREDENTIALS_FILE, STATE_FILE
from layanan.accounts.models import RecoveryCode, Role, SecondFactor, User
from layanan.accounts.services import VerifyOutcome, second_factor_verify
from layanan.regions.models import Region


@pytest.fixture
def regions(db):
    call_command("load_regions", stdout=StringIO())


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _block(text: str, key: str) -> str:
    return text.split(f"\n{key}: ", 1)[1].split("\n\n", 1)[0]


def _field(block: str, pattern: str) -> str:
    match = re.search(pattern, block)
    assert match is not None, f"{pattern!r} not in {block!r}"
    return match.group(1)


def _office_code(user: User) -> str:
    assert user.office is not None
    return user.office.code


def test_it_refuses_to_run_before_the_regions_and_offices_are_loaded(db, var_dir):
    with pytest.raises(CommandError, match="load_regions"):
        _seed()
    assert User.objects.count() == 0


def test_it_creates_each_persona_on_the_real_offices(regions, var_dir):
    _seed()
    people = {user.phone: user for user in User.objects.select_related("office", "home_region")}
    siti = people["+6281100000001"]
    rini = people["+6281100000004"]
    admin = people["+6281100000007"]
    assert len(people) == 10
    assert siti.role == Role.CITIZEN
    assert siti.home_region_id == "18.03.02.1005"
    assert siti.nik == "1803024507900003"
    assert siti.nik_hash
    assert _office_code(people["+6281100000002"]) == "disdukcapil"
    assert _office_code(people["+6281100000003"]) == "dinas-pupr"
    assert rini.role == Role.OPERATOR
    rini_desa = Region.objects.get(offices__staff=rini)
    assert (rini_desa.name, rini_desa.parent_id) == ("Tanjung Raja", "18.03.04")
    assert people["+6281100000005"].role == Role.LEADER
    assert people["+6281100000005"].office is None
    assert people["+6281100000006"].role == Role.AUDITOR
    assert admin.role == Role.ADMIN
    assert admin.is_staff
    assert admin.is_superuser
    assert people["+6281100000008"].role == Role.SIGNER
    assert _office_code(people["+6281100000008"]) == "disdukcapil"
    assert people["+6281100000009"].role == Role.LEADER
    assert _office_code(people["+6281100000009"]) == "dinas-pupr"
    assert people["+6281100000010"].role == Role.SIGNER
    assert _office_code(people["+6281100000010"]) == "desa-18-03-04-2009"
    staff = [user for user in people.values() if user.needs_second_factor]
    assert len(staff) == 9
    assert all(SecondFactor.objects.get(user=user).is_confirmed for user in staff)
    assert all(RecoveryCode.objects.filter(user=user).count() == 10 for user in staff)


def test_the_credentials_file_is_private_and_its_sign_ins_work(regions, var_dir, client):
    output = _seed()
    path = var_dir / CREDENTIALS_FILE
    text = path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((var_dir / STATE_FILE).stat().st_mode) == 0o600
    assert "manage.py demo_totp" in text
    assert text in output
    budi = _block(text, "budi")
    password = _field(budi, r"Kata sandi\s+: (\S+)")
    secret = _field(budi, r"Rahasia TOTP\s+: ([A-Z2-7 ]+)").replace(" ", "")
    codes = re.findall(r"[a-z2-9]{5}-[a-z2-9]{5}", budi)
    user = User.objects.get(phone="+6281100000002")
    assert len(codes) == 10
    assert SecondFactor.objects.get(user=user).secret == secret
    response = client.post("/akun/masuk/", {"identifier": "0811-0000-0002", "password": password})
    assert response["Location"].startswith("/akun/verifikasi/")
    assert second_factor_verify(request=None, user=user, code=codes[0]).outcome is VerifyOutcome.RECOVERY_CODE
    siti = _block(text, "siti")
    assert "siti@demo.example" in siti
    assert "Rahasia TOTP" not in siti


def test_running_it_again_keeps_the_users_and_prints_the_same_sign_ins(regions, var_dir):
    _seed()
    first = (var_dir / CREDENTIALS_FILE).read_text()
    ids = sorted(User.objects.values_list("pk", flat=True))
    hashes = sorted(RecoveryCode.objects.values_list("code_hash", flat=True))
    _seed()
    assert sorted(User.objects.values_list("pk", flat=True)) == ids
    assert sorted(RecoveryCode.objects.values_list("code_hash", flat=True)) == hashes
    assert (var_dir / CREDENTIALS_FILE).read_text() == first


def test_a_used_recovery_code_is_marked_on_the_next_run(regions, var_dir):
    text = _seed()
    code = re.findall(r"[a-z2-9]{5}-[a-z2-9]{5}", _block(text, "budi"))[0]
    user = User.objects.get(phone="+6281100000002")
    assert second_factor_verify(request=None, user=user, code=code).outcome.ok
    again = _block(_seed(), "budi")
    assert f"{code} (tidak berlaku lagi)" in again


def test_losing_the_state_file_resets_the_demo_passwords_so_the_file_stays_true(regions, var_dir):
    _seed()
    (var_dir / STATE_FILE).unlink()
    text = _seed()
    password = _field(_block(text, "andi"), r"Kata sandi\s+: (\S+)")
    andi = User.objects.get(phone="+6281100000003")
    assert andi.check_password(password)
    assert User.objects.count() == 10
    assert "SUDAH DIUBAH" not in text


def test_demo_totp_prints_the_current_code(regions, var_dir, monkeypatch):
    _seed()
    monkeypatch.setattr(totp, "clock", lambda: 1_800_000_015.0)
    out = StringIO()
    call_command("demo_totp", "0811-0000-0002", stdout=out)
    secret = SecondFactor.objects.get(user__phone="+6281100000002").secret
    assert out.getvalue().startswith(totp.code_at(secret, totp.current_step()))


def test_demo_totp_and_seed_demo_refuse_outside_development(regions, var_dir, settings):
    settings.ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="development"):
        call_command("demo_totp", "0811-0000-0002", stdout=StringIO())
    with pytest.raises(CommandError, match="production"):
        _seed()
    assert User.objects.count() == 0
