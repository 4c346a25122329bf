from django.urls import URLPattern, URLResolver, path

from layanan.survey import views

app_name = "survey"
urlpatterns: list[URLPattern | URLResolver] = [
    # Mounted under survei/. The report comes first: a token never equals "laporan".
    path("laporan/", views.report, name="report"),
    path("laporan/unduh/", views.report_xlsx, name="report_xlsx"),
    path("<slug:token>/", views.questionnaire, name="questionnaire"),
    path("<slug:token>/terima-kasih/", views.thanks, name="thanks"),
]
