from django.urls import path

from layanan.complaints import views, views_lookup, views_staff

app_name = "complaints"
urlpatterns = [
    # The reporter's path (mounted under lapor/).
    path("baru/", views.new, name="new"),
    path("saya/", views.mine, name="mine"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/terkirim/", views.done, name="done"),
    path("<uuid:public_id>/dukung/", views.support, name="support"),
    path("<uuid:public_id>/nilai/", views.rate, name="rate"),
    path("<uuid:public_id>/selesai/", views.confirm, name="confirm"),
    path("<uuid:public_id>/buka-lagi/", views.reopen, name="reopen"),
    # The public list.
    path("publik/", views.public_list, name="public_list"),
    path("publik/<uuid:public_id>/", views.public_detail, name="public_detail"),
    path("publik/foto/<int:photo_id>/", views.public_photo, name="public_photo"),
    # The report side of the public lookup (/lacak/ hands report numbers to it).
    path("lacak/", views_lookup.track, name="track"),
    # The staff's path (views_staff): the desk, the agency queue, one report, its actions, photos.
    path("petugas/verifikasi/", views_staff.desk, name="desk"),
    path("petugas/antrean/", views_staff.queue, name="queue"),
    path("petugas/<uuid:public_id>/", views_staff.report_page, name="staff_report"),
    path("petugas/<uuid:public_id>/<slug:action>/", views_staff.act, name="staff_act"),
    path("foto/<int:photo_id>/", views_staff.photo, name="photo"),
    path("suara/<uuid:public_id>/", views_staff.voice, name="voice"),
]
