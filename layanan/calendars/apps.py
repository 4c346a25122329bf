from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "layanan.calendars"
    label = "calendars"
