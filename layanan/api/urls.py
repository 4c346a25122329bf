from django.urls import path

from layanan.api.main import api

urlpatterns = [
    path("v1/", api.urls),
]
