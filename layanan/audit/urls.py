from django.urls import path

from layanan.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("objek/<str:object_type>/<str:object_id>/", views.object_history, name="object_history"),
]
