"""The routing admin: categories with their region rules (audited), and the model's accuracy on show."""

from __future__ import annotations

import pytest

from layanan.accounts.testing import sign_in
from layanan.accounts.tests.builders import audit_events
from layanan.complaints.models import Category, RoutingModel, RoutingRule
from layanan.complaints.tests.routing_builders import category_build

pytestmark = pytest.mark.django_db

MODELS = "/admin/complaints/routingmodel/"
CATEGORIES = "/admin/complaints/category/"


def model_build(*, accuracy: float | None, samples: int = 240, held_out: int = 52) -> RoutingModel:
    return RoutingModel.objects.create(
        samples=samples, held_out=held_out, accuracy=accuracy, parameters={"version": 1, "classes": {"1": {}}}
    )


def test_the_model_list_shows_the_latest_accuracy_as_a_percentage(client, cast):
    model_build(accuracy=0.75)
    model_build(accuracy=0.8846)
    sign_in(client, cast.admin)
    response = client.get(MODELS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "88,5 %" in page
    assert "75,0 %" in page
    assert "ketepatan 88,5 % pada 52 laporan" in page  # the note at the top names the latest model


def test_the_model_list_says_when_no_model_was_trained_yet(client, cast):
    sign_in(client, cast.admin)
    response = client.get(MODELS)
    assert response.status_code == 200
    assert "Belum ada model saran penerusan" in response.content.decode()


def test_models_are_read_only_in_the_admin(client, cast):
    model = model_build(accuracy=0.9)
    sign_in(client, cast.admin)
    assert client.get(MODELS + "add/").status_code == 403
    assert client.post(f"{MODELS}{model.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{MODELS}{model.pk}/change/").status_code == 200  # view only
    assert RoutingModel.objects.filter(pk=model.pk).exists()


def test_an_officer_is_refused_the_routing_admin(client, cast):
    model_build(accuracy=0.9)
    sign_in(client, cast.andi)
    response = client.get(MODELS)
    assert response.status_code in (302, 403)
    assert "88" not in response.content.decode()
    response = client.post(
        CATEGORIES + "add/", {"slug": "x", "name": "X", "default_office": cast.world.pupr.pk}
    )
    assert response.status_code in (302, 403)
    assert not Category.objects.exists()


def test_the_administrator_adds_a_kecamatan_rule_to_a_category_and_it_is_audited(client, cast):
    w = cast.world
    category = category_build(office=w.pupr)
    sign_in(client, cast.admin)
    response = client.post(
        f"{CATEGORIES}{category.pk}/change/",
        {
            "slug": category.slug,
            "name": category.name,
            "description": "",
            "default_office": w.pupr.pk,
            "order": "10",
            "is_active": "on",
            "rules-TOTAL_FORMS": "1",
            "rules-INITIAL_FORMS": "0",
            "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "1000",
            "rules-0-region": w.tanjung_raja.code,
            "rules-0-office": w.kec_tanjung_raja.pk,
            "rules-0-priority": "100",
            "rules-0-category": category.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = RoutingRule.objects.get(category=category)
    assert (rule.region, rule.office) == (w.tanjung_raja, w.kec_tanjung_raja)
    [event] = audit_events("complaints.routing_rules_change")
    assert event.details["saved"][0]["office"] == w.kec_tanjung_raja.pk
    assert audit_events("complaints.category_change")


def test_the_category_list_shows_the_model_note(client, cast):
    category_build(office=cast.world.pupr)
    model_build(accuracy=0.9)
    sign_in(client, cast.admin)
    response = client.get(CATEGORIES)
    assert response.status_code == 200
    assert "ketepatan 90,0 %" in response.content.decode()
