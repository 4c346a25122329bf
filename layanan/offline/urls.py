from django.urls import path

from layanan.offline import views

app_name = "offline"
urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("luring/", views.offline_page, name="page"),
    path("kotak-keluar/", views.outbox, name="outbox"),
]
