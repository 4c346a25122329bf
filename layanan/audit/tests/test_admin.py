from __future__ import annotations

from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent, AuditSeal
from layanan.audit.tests.conftest import record


def test_the_admin_shows_the_log_but_cannot_add_change_or_delete(client, cast):
    event = record(actor=cast.budi, action="identity.set", obj=cast.siti)
    sign_in(client, cast.admin)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditseal_changelist")).status_code == 200
    change = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    response = client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "x.y"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "identity.set"
    assert AuditSeal.objects.count() == 0


def test_staff_without_superuser_rights_do_not_reach_the_audit_admin(client, cast):
    record(actor=cast.budi, action="identity.set", obj=cast.siti)
    cast.budi.is_staff = True
    cast.budi.save(update_fields=["is_staff"])
    sign_in(client, cast.budi)
    response = client.get(reverse("admin:audit_auditevent_changelist"))
    # The admin site sends them to its sign-in page or refuses outright; either way no log.
    assert response.status_code in {302, 403}
    assert b"identity.set" not in response.content
