from django.urls import URLPattern, URLResolver, path

from layanan.feedback import views

app_name = "feedback"
urlpatterns: list[URLPattern | URLResolver] = [
    # Mounted at the root: masukan/ (visitors), petugas/masukan/ (administrators).
    path("masukan/", views.vote, name="vote"),
    path("masukan/masalah/", views.problem, name="problem"),
    path("masukan/perubahan/", views.changes, name="changes"),
    path("petugas/masukan/", views.product, name="product"),
    path("petugas/masukan/unduh.<str:fmt>", views.export_download, name="export"),
    path("petugas/masukan/<int:pk>/label/", views.tag, name="tag"),
    path("petugas/masukan/perubahan/baru/", views.change_new, name="change_new"),
]
