from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("layanan.core.urls")),
    path("akun/", include("layanan.accounts.urls")),
    path("admin/", admin.site.urls),
]
