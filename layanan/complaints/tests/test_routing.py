"""Routing: rules by category and region, the tokeniser, and the learned suggestion with its accuracy."""

from __future__ import annotations

import sys

import pytest

from layanan.accounts.tests.builders import audit_events
from layanan.agencies.models import Office
from layanan.complaints import routing
from layanan.complaints.models import Disposition, RoutingModel, RoutingRule
from layanan.complaints.routing import route, routing_train, suggest, tokenize
from layanan.complaints.tasks_routing import complaints_routing_train
from layanan.complaints.tests.routing_builders import (
    VOCABULARIES,
    agencies_build,
    category_build,
    history_build,
    synthetic_texts,
)
from layanan.core.schedule import PERIODIC_TASKS

pytestmark = pytest.mark.django_db


# --- route() -----------------------------------------------------------------------------------


def test_without_rules_a_report_goes_to_the_category_default_office(world):
    category = category_build(office=world.pupr)
    assert route(category=category, region=world.tanjung_raja_desa) == world.pupr


def test_a_kecamatan_rule_applies_to_the_desa_inside_it(world):
    category = category_build(office=world.pupr)
    RoutingRule.objects.create(category=category, region=world.tanjung_raja, office=world.kec_tanjung_raja)
    assert route(category=category, region=world.tanjung_raja_desa) == world.kec_tanjung_raja
    assert route(category=category, region=world.tanjung_raja) == world.kec_tanjung_raja


def test_a_rule_for_another_kecamatan_does_not_apply(world):
    category = category_build(office=world.pupr)
    RoutingRule.objects.create(category=category, region=world.kotabumi, office=world.kec_kotabumi)
    assert route(category=category, region=world.tanjung_raja_desa) == world.pupr
    assert route(category=category, region=world.kotabumi_pasar) == world.kec_kotabumi


def test_a_desa_rule_beats_a_kecamatan_rule_which_beats_the_default(world):
    category = category_build(office=world.pupr)
    # the desa rule is created first with a worse priority: specificity comes before priority
    RoutingRule.objects.create(
        category=category, region=world.tanjung_raja_desa, office=world.desa_tanjung_raja, priority=900
    )
    RoutingRule.objects.create(category=category, region=world.tanjung_raja, office=world.kec_tanjung_raja)
    RoutingRule.objects.create(category=category, region=world.regency, office=world.disdukcapil)
    assert route(category=category, region=world.tanjung_raja_desa) == world.desa_tanjung_raja
    assert route(category=category, region=world.tanjung_raja) == world.kec_tanjung_raja
    assert route(category=category, region=world.kotabumi_pasar) == world.disdukcapil


def test_between_rules_on_the_same_region_the_lower_priority_number_wins(world):
    category = category_build(office=world.pupr)
    RoutingRule.objects.create(
        category=category, region=world.kotabumi, office=world.disdukcapil, priority=50
    )
    RoutingRule.objects.create(
        category=category, region=world.kotabumi, office=world.kec_kotabumi, priority=10
    )
    assert route(category=category, region=world.kotabumi_pasar) == world.kec_kotabumi


def test_a_rule_without_region_applies_everywhere_but_after_any_region_rule(world):
    category = category_build(office=world.pupr)
    RoutingRule.objects.create(category=category, region=None, office=world.disdukcapil, priority=1)
    RoutingRule.objects.create(
        category=category, region=world.kotabumi, office=world.kec_kotabumi, priority=500
    )
    assert route(category=category, region=world.tanjung_raja_desa) == world.disdukcapil
    assert route(category=category, region=world.kotabumi_pasar) == world.kec_kotabumi


def test_a_rule_to_an_inactive_office_is_passed_over(world):
    category = category_build(office=world.pupr)
    RoutingRule.objects.create(category=category, region=world.tanjung_raja, office=world.kec_tanjung_raja)
    Office.objects.filter(pk=world.kec_tanjung_raja.pk).update(is_active=False)
    assert route(category=category, region=world.tanjung_raja_desa) == world.pupr


def test_a_rule_of_another_category_does_not_apply(world):
    roads = category_build(office=world.pupr)
    papers = category_build(office=world.disdukcapil, slug="dokumen", name="Dokumen")
    RoutingRule.objects.create(category=papers, region=world.tanjung_raja, office=world.kec_tanjung_raja)
    assert route(category=roads, region=world.tanjung_raja_desa) == world.pupr


# --- tokenize() --------------------------------------------------------------------------------


def test_the_tokeniser_lowercases_drops_punctuation_numbers_and_stopwords():
    assert tokenize("Jalan RUSAK, berlubang!!! di Desa 12 dan tidak diperbaiki.") == [
        "jalan",
        "rusak",
        "berlubang",
        "desa",
        "diperbaiki",
    ]


def test_the_tokeniser_strips_common_suffixes_but_keeps_short_stems():
    assert tokenize("Jalannya rusak") == ["jalan", "rusak"]
    assert tokenize("Pelayanannya lambat sekali, tolong!") == ["pelayan", "lambat"]
    assert tokenize("laporkan segera, perbaikilah") == ["lapor", "segera", "perbaiki"]
    assert tokenize("air bau") == ["air", "bau"]


def test_the_tokeniser_returns_nothing_for_empty_or_only_stopwords():
    assert tokenize("") == []
    assert tokenize("yang dan di ke dari, itu ini!") == []


# --- learning ----------------------------------------------------------------------------------


@pytest.fixture
def history(cast):
    offices = agencies_build(cast.world)
    reports = history_build(
        world=cast.world, offices=offices, by=cast.admin, texts=synthetic_texts(count=240)
    )
    return offices, reports


def test_without_a_model_there_is_no_suggestion(world):
    assert suggest(text="Jalan rusak berlubang") == (None, 0.0)


def test_too_little_history_trains_no_model(cast):
    offices = agencies_build(cast.world)
    history_build(world=cast.world, offices=offices, by=cast.admin, texts=synthetic_texts(count=19))
    assert routing_train(min_samples=20) is None
    assert not RoutingModel.objects.exists()
    assert audit_events("complaints.routing_train") == []


def test_reports_without_a_disposition_are_not_learned_from(cast):
    offices = agencies_build(cast.world)
    history_build(world=cast.world, offices=offices, by=cast.admin, texts=synthetic_texts(count=25))
    Disposition.objects.filter(report__tracking_number__lt="ADU-T000010").delete()
    assert len(routing.training_samples()) == 15
    assert routing_train(min_samples=20) is None


def test_training_on_history_reaches_a_good_held_out_accuracy_and_suggests_the_right_office(history, capsys):
    offices, reports = history
    model = routing_train()
    assert model is not None
    assert model.samples == len(reports) == 240
    assert 30 <= model.held_out <= 70  # about 20 %
    assert model.accuracy is not None
    with capsys.disabled():
        sys.stdout.write(
            f"\nrouting held-out accuracy: {model.accuracy:.3f} on {model.held_out} of {model.samples}\n"
        )
    assert 0.8 < model.accuracy < 1.0  # good, and honest: the synthetic words overlap
    assert set(model.parameters["classes"]) == {str(offices[code].pk) for code in VOCABULARIES}

    office, confidence = suggest(text="Sampah menumpuk dan bau di dekat pasar, tolong diangkut")
    assert office == offices["dlh"]
    assert confidence > 0.8
    office, confidence = suggest(text="Blanko KTP habis, sudah tiga bulan belum dicetak")
    assert office == offices["disdukcapil"]
    assert 0.5 < confidence <= 1.0
    event = audit_events("complaints.routing_train")[-1]
    assert event.details["samples"] == 240


def test_a_text_the_model_knows_no_word_of_gets_no_suggestion(history):
    routing_train()
    assert suggest(text="Xyzzy qwerty") == (None, 0.0)


def test_an_inactive_office_is_not_suggested(history):
    offices, _ = history
    routing_train()
    Office.objects.filter(pk=offices["dlh"].pk).update(is_active=False)
    office, confidence = suggest(text="Sampah menumpuk dan bau di dekat pasar")
    assert office is not None
    assert office != offices["dlh"]
    assert 0.0 < confidence < 0.5


def test_the_label_is_the_office_after_a_redisposition(cast, history):
    offices, reports = history
    report = reports[0]
    first = report.dispositions.get()
    first.is_active = False
    first.save(update_fields=["is_active"])
    Disposition.objects.create(
        report=report, office=offices["inspektorat"], due_at=first.due_at, created_by=cast.admin
    )
    sample = next(s for s in routing.training_samples() if s.key == report.tracking_number)
    assert sample.label == str(offices["inspektorat"].pk)


def test_the_training_task_is_deterministic_and_runs_daily(history):
    first_id, second_id = complaints_routing_train.call(), complaints_routing_train.call()
    assert first_id is not None
    assert second_id is not None
    first, second = RoutingModel.objects.get(pk=first_id), RoutingModel.objects.get(pk=second_id)
    assert first.pk != second.pk
    assert first.parameters == second.parameters
    assert (first.samples, first.held_out, first.accuracy) == (
        second.samples,
        second.held_out,
        second.accuracy,
    )
    daily = [
        p for p in PERIODIC_TASKS if p.task == "layanan.complaints.tasks_routing.complaints_routing_train"
    ]
    assert len(daily) == 1
    assert daily[0].every.days == 1


def test_the_training_task_returns_none_without_history(world):
    assert complaints_routing_train.call() is None
    assert not RoutingModel.objects.exists()


def test_the_held_out_split_is_a_fixed_fifth_of_tracking_numbers():
    keys = [f"ADU-{i:06d}" for i in range(2000)]
    held = [key for key in keys if routing._is_held_out(key)]
    assert 0.17 < len(held) / len(keys) < 0.23
    assert held == [key for key in keys if routing._is_held_out(key)]


@pytest.fixture
def checked_hourly(settings):
    """The production shape: a process looks for a newer model at most once per interval."""
    settings.ROUTING_MODEL_CHECK_SECONDS = 3600
    routing.routing_forget()  # no other test's model
    yield
    routing.routing_forget()


def test_a_process_reads_the_model_and_its_offices_once_per_interval(history, checked_hourly):
    offices, _ = history
    routing_train()
    text = "Sampah menumpuk dan bau di dekat pasar"
    assert suggest(text=text)[0] == offices["dlh"]
    Office.objects.filter(pk=offices["dlh"].pk).update(is_active=False)
    assert suggest(text=text)[0] == offices["dlh"]  # within the interval: the copy read before

    routing.routing_forget()  # the interval is over (or a model was trained in this process)
    office, _confidence = suggest(text=text)
    assert office is not None
    assert office != offices["dlh"]


def test_training_in_this_process_forgets_the_model_read_before(
    history, checked_hourly, django_capture_on_commit_callbacks
):
    assert suggest(text="Sampah menumpuk dan bau di dekat pasar") == (None, 0.0)  # no model yet, remembered
    with django_capture_on_commit_callbacks(execute=True):
        routing_train()
    office, _confidence = suggest(text="Sampah menumpuk dan bau di dekat pasar")
    assert office == history[0]["dlh"]
