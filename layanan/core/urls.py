from django.urls import path

from layanan.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("tentang-privasi/", views.privacy, name="privacy"),
    path("bantuan/istilah/", views.glossary, name="glossary"),
    path("bantuan/foto-dokumen/", views.photo_help, name="photo_help"),
    path("latihan/", views.practice, name="practice"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/detail", views.healthz_detail, name="healthz_detail"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
