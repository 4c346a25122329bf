from django.urls import URLPattern, URLResolver, path

from layanan.monitoring import views

app_name = "monitoring"
urlpatterns: list[URLPattern | URLResolver] = [
    path("dasbor/", views.overview, name="overview"),
    path("dasbor/terkini/", views.live, name="live"),
    path("dasbor/layanan/", views.applications, name="applications"),
    path("dasbor/pengaduan/", views.reports, name="reports"),
    path("dasbor/wilayah/", views.regions, name="regions"),
    path("dasbor/beban-kerja/", views.workload, name="workload"),
    path("dasbor/laporan-bulanan/", views.monthly, name="monthly"),
    path("dasbor/laporan-bulanan/cetak/", views.monthly_print, name="monthly_print"),
    path("dasbor/laporan-bulanan/unduh.<slug:fmt>", views.monthly_export, name="monthly_export"),
    path("dasbor/ekspor/<slug:table>.<slug:fmt>", views.export, name="export"),
    path("transparansi/", views.transparency, name="transparency"),
]
