from django.urls import path

from pengaduan.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("privasi/", views.privacy, name="privacy"),
    path("unit/", views.units, name="units"),
    path("unit/<str:code>/", views.unit_page, name="unit"),
    path("unit/<str:code>/standar/", views.standard, name="standard"),
    path("unit/<str:code>/standar.pdf", views.standard_download, name="standard_pdf"),
    path("pengaduan/baru/", views.complain, name="complain"),
    path("pengaduan/terkirim/", views.received, name="received"),
    path("lacak/", views.track, name="track"),
    path("lacak/status/", views.status, name="status"),
    path("lacak/tanda-terima.pdf", views.receipt, name="receipt"),
    path("lacak/surat-jawaban.pdf", views.answer_letter, name="answer_letter"),
    path("lacak/jawab/<int:pk>/", views.reply, name="reply"),
    path("lacak/nilai/", views.rate, name="rate"),
    path("lacak/survei/", views.survey_tracked, name="survey_tracked"),
    path("survei/terima-kasih/", views.survey_thanks, name="survey_thanks"),
    path("survei/<str:token>/", views.survey, name="survey"),
    path("lacak/lampiran/<int:pk>/", views.own_file, name="own_file"),
    path("lacak/selesai/", views.forget, name="forget"),
    path("verifikasi/", views.verify_start, name="verify_start"),
    path("verifikasi/<str:code>/", views.verify, name="verify"),
    path("berhenti/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
