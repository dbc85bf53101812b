from django.urls import path

from pengaduan.workdesk import views

app_name = "workdesk"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("catat/", views.record, name="record"),
    path("pengaduan/<int:pk>/", views.complaint_detail, name="complaint"),
    path("pengaduan/<int:pk>/langkah/<int:number>/", views.complete_step, name="complete_step"),
    path("pengaduan/<int:pk>/koordinasi/", views.ask_coordination, name="ask_coordination"),
    path("koordinasi/<int:pk>/jawab/", views.answer_coordination, name="answer_coordination"),
    path("buku-pengaduan/", views.register, name="register"),
    path("lampiran/<int:pk>/", views.attachment, name="attachment"),
]
