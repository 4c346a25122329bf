from django.urls import path

from layanan.documents import views, views_delivery

app_name = "documents"
urlpatterns = [
    # Public verification (no sign-in); the QR code on every letter links to ``check``.
    path("", views.index, name="index"),
    path("kunci-publik/", views.public_key, name="public_key"),
    path("<str:code>/", views.check, name="check"),
    # The signed PDF itself: only the applicant and the issuing office (views_delivery).
    path("<str:code>/unduh/", views_delivery.download, name="download"),
]
