from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "layanan.catalogue"
    label = "catalogue"
