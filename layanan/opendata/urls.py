from django.urls import URLPattern, URLResolver, path, re_path

from layanan.opendata import views

app_name = "opendata"
urlpatterns: list[URLPattern | URLResolver] = [
    # Mounted at the root: data/, data/catalog.json, data/<slug>/, data/<slug>.csv and .json.
    path("data/", views.data_list, name="list"),
    path("data/catalog.json", views.data_catalog, name="catalog"),
    re_path(r"^data/(?P<slug>[-a-z0-9]+)\.(?P<fmt>csv|json)$", views.data_download, name="download"),
    path("data/<slug:slug>/", views.data_detail, name="detail"),
]
