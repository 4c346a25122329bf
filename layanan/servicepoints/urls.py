from django.urls import URLPattern, URLResolver, path

from layanan.servicepoints import views

app_name = "servicepoints"
urlpatterns: list[URLPattern | URLResolver] = [
    # Mounted at the root: tempat-layanan/, pengumuman/, petugas/pengumuman/, petugas/tempat-layanan/.
    path("tempat-layanan/", views.point_list, name="list"),
    path("tempat-layanan/<int:pk>/", views.point_detail, name="detail"),
    path("pengumuman/", views.announcement_list, name="announcements"),
    path("pengumuman/<int:pk>/", views.announcement_detail, name="announcement_detail"),
    path("pengumuman/langganan/", views.subscriptions, name="subscriptions"),
    path("pengumuman/langganan/<int:pk>/berhenti/", views.unsubscribe, name="unsubscribe"),
    path("petugas/pengumuman/", views.staff_announcements, name="staff_announcements"),
    path("petugas/pengumuman/baru/", views.staff_announcement_new, name="staff_announcement_new"),
    path("petugas/pengumuman/<int:pk>/", views.staff_announcement_edit, name="staff_announcement_edit"),
    path("petugas/tempat-layanan/", views.staff_points, name="staff_points"),
    path("petugas/tempat-layanan/<int:pk>/", views.staff_point_edit, name="staff_point_edit"),
]
