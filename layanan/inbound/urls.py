from django.urls import URLPattern, URLResolver

app_name = "inbound"
urlpatterns: list[URLPattern | URLResolver] = []
