from django.urls import path

from layanan.inbound import views

app_name = "inbound"
urlpatterns = [
    path("sms/", views.sms, name="sms"),
    path("sms/status/", views.sms_status, name="sms_status"),
    path("sms/twilio/", views.sms_twilio, name="sms_twilio"),
    path("sms/twilio/status/", views.sms_twilio_status, name="sms_twilio_status"),
    path("whatsapp/", views.whatsapp, name="whatsapp"),
]
