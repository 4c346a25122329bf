from django.urls import path

from layanan.api import views

app_name = "api-pages"

urlpatterns = [
    path("", views.token_list, name="tokens"),
    path("<int:token_id>/cabut/", views.token_revoke, name="token_revoke"),
]
