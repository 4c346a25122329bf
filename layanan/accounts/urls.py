from django.urls import path

from layanan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("masuk/", views.sign_in, name="login"),
    path("keluar/", views.sign_out, name="logout"),
    path("verifikasi/", views.verify, name="verify"),
    path("atur-2fa/", views.setup_second_factor, name="setup_2fa"),
    path("daftar/", views.register, name="register"),
]
