from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "layanan.survey"
    label = "survey"
