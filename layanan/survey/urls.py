from django.urls import URLPattern, URLResolver

app_name = "survey"
urlpatterns: list[URLPattern | URLResolver] = []
