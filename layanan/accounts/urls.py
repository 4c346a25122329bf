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
    path("kode/", views.code, name="code"),
    path("masuk/kode/", views.sign_in_code, name="sign_in_code"),
    path("lupa-kata-sandi/", views.password_reset, name="password_reset"),
    path("nomor-hp/", views.phone_change, name="phone_change"),
    path("nomor-hp/buktikan/", views.prove_phone, name="prove_phone"),
    path("email/", views.email_change, name="email_change"),
]
