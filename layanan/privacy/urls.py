from django.urls import URLPattern, URLResolver, path

from layanan.privacy import views

app_name = "privacy"
urlpatterns: list[URLPattern | URLResolver] = [
    path("akun/data-saya/", views.my_data, name="my_data"),
    path("akun/data-saya/unduh/", views.export, name="export"),
    path("akun/data-saya/permohonan/", views.request_new, name="request_new"),
    path("akun/data-saya/persetujuan/", views.consent, name="consent"),
    path("petugas/privasi/", views.request_list, name="request_list"),
    path("petugas/privasi/<uuid:public_id>/", views.request_detail, name="request_detail"),
    path("petugas/privasi/retensi/", views.retention_runs, name="retention_runs"),
]
