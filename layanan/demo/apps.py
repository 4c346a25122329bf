"""Demo activity for `make run`: a few cases in several states so every screen shows something."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "layanan.demo"
    label = "demo"
