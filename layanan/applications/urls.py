from django.urls import path

from layanan.applications import views, views_letters, views_lookup, views_staff

app_name = "applications"
urlpatterns = [
    # The citizen's path (and an operator's on behalf of a walk-in citizen).
    path("permohonan/baru/<slug:slug>/", views.start, name="start"),
    path("permohonan/saya/", views.mine, name="mine"),
    path("permohonan/<uuid:public_id>/", views.detail, name="detail"),
    path("permohonan/<uuid:public_id>/langkah/<int:step>/", views.step, name="step"),
    path("permohonan/<uuid:public_id>/persyaratan/", views.requirements, name="requirements"),
    path("permohonan/<uuid:public_id>/periksa/", views.review, name="review"),
    path("permohonan/<uuid:public_id>/terkirim/", views.done, name="done"),
    path("permohonan/<uuid:public_id>/batalkan/", views.withdraw, name="withdraw"),
    path("permohonan/berkas/<int:attachment_id>/", views.attachment, name="attachment"),
    path("lacak/", views_lookup.lookup, name="lookup"),
    # The officer's path.
    path("petugas/antrean/", views_staff.queue, name="queue"),
    path("petugas/permohonan/<uuid:public_id>/", views_staff.work, name="work"),
    path("petugas/permohonan/<uuid:public_id>/<slug:action>/", views_staff.act, name="act"),
    path("petugas/berkas/<int:attachment_id>/", views_staff.preview, name="preview"),
    # The office's letters: preview before signing, the issued ones, revoke and replace (views_letters).
    path("petugas/pratinjau-surat/<uuid:public_id>/", views_letters.letter_preview, name="letter_preview"),
    path("petugas/surat/", views_letters.letters, name="letters"),
    path("petugas/surat/<str:code>/cabut/", views_letters.letter_revoke, name="letter_revoke"),
    path("petugas/surat/<str:code>/ganti/", views_letters.letter_replace, name="letter_replace"),
]
