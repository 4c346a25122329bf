from django.urls import URLPattern, URLResolver, path

from layanan.aspirations import views

app_name = "aspirations"
urlpatterns: list[URLPattern | URLResolver] = [
    # Mounted at the root: musrenbang/ (public and citizens), petugas/musrenbang/ (operators).
    path("musrenbang/", views.index, name="index"),
    path("musrenbang/desa/<str:code>/", views.desa, name="desa"),
    path("musrenbang/usulan/baru/", views.new, name="new"),
    path("musrenbang/usulan/saya/", views.mine, name="mine"),
    path("musrenbang/usulan/<int:pk>/", views.detail, name="detail"),
    path("musrenbang/usulan/<int:pk>/dukung/", views.support, name="support"),
    path("musrenbang/usulan/<int:pk>/foto/<int:photo_id>/", views.photo, name="photo"),
    path("petugas/musrenbang/", views.staff_list, name="staff_list"),
    path("petugas/musrenbang/unduh/<str:fmt>/", views.staff_export, name="staff_export"),
    path("petugas/musrenbang/usulan/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("petugas/musrenbang/usulan/<int:pk>/<str:action>/", views.staff_step, name="staff_step"),
]
