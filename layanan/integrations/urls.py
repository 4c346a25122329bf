from django.urls import path

from layanan.integrations import views

app_name = "integrations"

urlpatterns = [
    path("siak/hasil/", views.siak_result, name="siak_result"),
    path("opensid/<int:instance_id>/permohonan/", views.opensid_request, name="opensid_request"),
]
