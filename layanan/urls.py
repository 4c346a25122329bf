from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("layanan.core.urls")),
    path("akun/", include("layanan.accounts.urls")),
    path("admin/", admin.site.urls),
    path("audit/", include("layanan.audit.urls")),
    path("petugas/nik/", include("layanan.identity.urls")),
    path("petugas/bantuan/", include("layanan.assisted.urls")),
    path("layanan/", include("layanan.catalogue.urls")),
    path("", include("layanan.applications.urls")),
    path("v/", include("layanan.documents.urls")),
    path("petugas/kantor/", include("layanan.documents.urls_letterhead")),
    path("lapor/", include("layanan.complaints.urls")),
    path("", include("layanan.notifications.urls")),  # akun/pemberitahuan/, petugas/pesan/
    path("webhook/", include("layanan.inbound.urls")),
    path("api/", include("layanan.api.urls")),  # api/v1/ (docs/api.md)
    path("akun/token-api/", include("layanan.api.urls_pages")),
    path("integrasi/", include("layanan.integrations.urls")),  # SIAK results, OpenSID requests
    path("open311/", include("layanan.api.open311.urls")),  # open311/v2/ (docs/open311.md)
    path("", include("layanan.monitoring.urls")),  # dasbor/, transparansi/
    path("survei/", include("layanan.survey.urls")),
    path("", include("layanan.feedback.urls")),  # masukan/, petugas/masukan/ (docs/feedback.md)
    path("", include("layanan.servicepoints.urls")),  # tempat-layanan/, pengumuman/, petugas/pengumuman/
    path("", include("layanan.aspirations.urls")),  # musrenbang/, petugas/musrenbang/
    path("", include("layanan.opendata.urls")),  # data/, data/catalog.json, data/<slug>/ (.csv, .json)
    path("", include("layanan.privacy.urls")),  # akun/data-saya/, petugas/privasi/
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("layanan.offline.urls")),  # sw.js, manifest.webmanifest, luring/, kotak-keluar/
]

handler500 = "layanan.core.views.server_error"
