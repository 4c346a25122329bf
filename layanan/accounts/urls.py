from django.urls import path

from layanan.accounts import views, views_profile

app_name = "accounts"
urlpatterns = [
    path("", views_profile.profile, name="profile"),
    path("nama/", views_profile.change_name, name="change_name"),
    path("kata-sandi/", views_profile.change_password, name="change_password"),
    path("sesi/", views_profile.session_list, name="sessions"),
    path("sesi/<int:record_id>/akhiri/", views_profile.session_end, name="session_end"),
    path("sesi/akhiri-lainnya/", views_profile.sessions_end_others, name="sessions_end_others"),
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
