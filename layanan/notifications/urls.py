from django.urls import URLPattern, URLResolver, path

from layanan.notifications import views

app_name = "notifications"
urlpatterns: list[URLPattern | URLResolver] = [
    path("akun/pemberitahuan/", views.preferences, name="preferences"),
    path("petugas/pesan/", views.message_list, name="message_list"),
]
