from django.urls import path

from layanan.assisted import views

app_name = "assisted"
urlpatterns = [
    path("", views.home, name="home"),
    path("kunjungan/<uuid:public_id>/", views.visit, name="visit"),
    path("kunjungan/<uuid:public_id>/formulir-persetujuan/", views.consent_form, name="consent_form"),
    path("tanda-terima/<uuid:public_id>/", views.receipt, name="receipt"),
    path("mode-kios/", views.kiosk_switch, name="kiosk"),
    path("masih-di-sini/", views.kiosk_here, name="kiosk_here"),
]
