from django.urls import path

from layanan.documents import views_letterhead

app_name = "letterhead"
urlpatterns = [
    # The office's own staff edit what its letters print (views_letterhead).
    path("<slug:code>/kop-surat/", views_letterhead.edit, name="edit"),
]
