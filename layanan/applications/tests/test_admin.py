"""The applications admin shows, and changes nothing: state moves only through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.applications.models import Status
from layanan.applications.tests.builders import dukcapil_service, reloaded, submitted

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_shows_an_application_without_its_answers(client, cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)
    sign_in(client, cast.admin)

    listing = client.get(reverse("admin:applications_application_changelist"))
    page = client.get(reverse("admin:applications_application_change", args=[application.pk]))

    assert listing.status_code == 200
    assert application.tracking_number in listing.content.decode()
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert "Putri" not in html  # the sealed answers stay on the officer's pages


def test_the_admin_cannot_add_change_or_delete_an_application(client, cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)
    sign_in(client, cast.admin)

    assert client.get(reverse("admin:applications_application_add")).status_code == 403
    assert (
        client.get(reverse("admin:applications_application_delete", args=[application.pk])).status_code == 403
    )
    response = client.post(
        reverse("admin:applications_application_change", args=[application.pk]), {"status": Status.COMPLETED}
    )
    assert response.status_code == 403
    assert reloaded(application).status == Status.SUBMITTED


def test_staff_without_the_admin_role_do_not_reach_the_applications_admin(client, cast):
    submitted(dukcapil_service(cast.world), cast.siti)
    cast.budi.is_staff = True
    cast.budi.save(update_fields=["is_staff"])
    sign_in(client, cast.budi)

    response = client.get(reverse("admin:applications_application_changelist"))

    assert response.status_code in {302, 403}
    assert b"P-" not in response.content
