"""Survey answers cannot be tied to their respondents by id, order or time."""

from __future__ import annotations

import uuid

import pytest
from django.db import models

from layanan.accounts.models import User
from layanan.survey.models import Invitation, Response
from layanan.survey.services import response_submit
from layanan.survey.tests.builders import invitation

pytestmark = pytest.mark.django_db


def test_a_response_id_is_random_and_the_list_does_not_follow_the_order_of_answering(cast):
    invitations = [invitation(cast) for _ in range(6)]
    answered = [response_submit(token=i.token, scores=[4, 3, 4, 3, 4, 3, 4, 3, 4]) for i in invitations]

    ids = [response.pk for response in answered]
    assert all(isinstance(pk, uuid.UUID) and pk.version == 4 for pk in ids)
    # Listed by the random id, never by when they came: the order says nothing about who answered.
    assert [r.pk for r in Response.objects.all()] == sorted(ids)
    assert Response.objects.count() == 6
    assert Invitation.objects.filter(answered_at__isnull=False).count() == 6


def test_a_response_keeps_no_link_to_an_invitation_a_person_or_a_moment():
    fields = Response._meta.get_fields()
    related = {f.related_model for f in fields if f.is_relation}
    assert Invitation not in related
    assert User not in related
    timed = [f.name for f in fields if isinstance(f, models.DateTimeField)]
    assert timed == []
    assert "created_on" not in {f.name for f in fields}
