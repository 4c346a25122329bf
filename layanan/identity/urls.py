from django.urls import path

from layanan.identity import views

app_name = "identity"
urlpatterns = [
    path("", views.claim_lookup, name="claims"),
    path("klaim/<int:claim_id>/verifikasi/", views.claim_verify, name="claim_verify"),
    path("sengketa/", views.dispute_list, name="disputes"),
    path("sengketa/<int:dispute_id>/selesaikan/", views.dispute_resolve, name="dispute_resolve"),
]
