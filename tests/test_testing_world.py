from layanan.accounts.models import Role, User


def test_the_cast_has_one_persona_per_role_needed_by_the_house_style(cast):
    roles = {name: user.role for name, user in cast.all().items()}
    assert roles["siti"] == Role.CITIZEN
    assert roles["budi"] == roles["andi"] == Role.OFFICER
    assert cast.budi.office != cast.andi.office
    assert User.objects.count() == 8
    assert User.objects.get(phone="+6281200000001").check_password("kata-sandi-uji-123")
