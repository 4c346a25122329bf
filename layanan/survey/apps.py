"""Survei Kepuasan Masyarakat (SKM) and the IKM."""

from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "layanan.survey"
    label = "survey"

    def ready(self) -> None:
        from layanan.survey import signals

        signals.connect()
