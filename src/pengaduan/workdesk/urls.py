from django.urls import path

from pengaduan.workdesk import onboarding, oversight, pdp_views, twofactor, views

app_name = "workdesk"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("tim/", views.team, name="team"),
    path("2fa/", twofactor.setup, name="two_factor_setup"),
    path("2fa/kode/", twofactor.verify, name="two_factor_verify"),
    path("catat/", views.record, name="record"),
    path("catat/serupa/", views.similar, name="similar"),
    path("pengaduan/<int:pk>/", views.complaint_detail, name="complaint"),
    path("pengaduan/<int:pk>/langkah/<int:number>/", views.complete_step, name="complete_step"),
    path("pengaduan/<int:pk>/koordinasi/", views.ask_coordination, name="ask_coordination"),
    path("pengaduan/<int:pk>/pemeriksaan/<int:examination_pk>/lhp/", views.submit_examination,
         name="submit_examination"),
    path("koordinasi/<int:pk>/jawab/", views.answer_coordination, name="answer_coordination"),
    path("pengaduan/<int:pk>/sisihkan/", views.set_aside, name="set_aside"),
    path("pengaduan/<int:pk>/tautkan/", views.link, name="link"),
    path("pengaduan/<int:pk>/tanya-pengadu/", views.ask_complainant, name="ask_complainant"),
    path("pengaduan/<int:pk>/tanda-terima.pdf", views.receipt, name="receipt"),
    path("pengaduan/<int:pk>/surat-jawaban.pdf", views.answer_letter, name="answer_letter"),
    path("pengaduan/<int:pk>/lanjutkan/", views.resume, name="resume"),
    path("pengaduan/<int:pk>/kembalikan/", views.forward_return, name="forward_return"),
    path("pengaduan/<int:pk>/jawaban-pelimpahan/", views.forward_answer, name="forward_answer"),
    path("pengaduan/<int:pk>/surat-pelimpahan/<int:forward_pk>.pdf", views.forwarding_letter,
         name="forwarding_letter"),
    path("pengaduan/<int:pk>/catatan/", views.add_note, name="add_note"),
    path("buku-pengaduan/", views.register, name="register"),
    path("pengawasan/", oversight.dashboard, name="oversight"),
    path("pengawasan/unit/<slug:code>/", oversight.unit_cases, name="oversight_unit"),
    path("pengawasan/pengaduan/<int:pk>/", oversight.complaint, name="oversight_complaint"),
    path("lampiran/<int:pk>/", views.attachment, name="attachment"),
    path("pdp/log-akses/", pdp_views.access_log, name="pdp_access_log"),
    path("pdp/permintaan/", pdp_views.requests_inbox, name="pdp_requests"),
    path("pdp/permintaan/<int:pk>/", pdp_views.request_detail, name="pdp_request"),
    path("pdp/permintaan/<int:pk>/ekspor.json", pdp_views.request_export, name="pdp_request_export"),
    # Bringing a new unit on board (administrators), and the invited officer's link.
    path("unit/", onboarding.units, name="onboarding_units"),
    path("unit/baru/", onboarding.unit_form, name="onboarding_new"),
    path("unit/<slug:code>/", onboarding.checklist, name="onboarding_checklist"),
    path("unit/<slug:code>/ubah/", onboarding.unit_form, name="onboarding_edit"),
    path("unit/<slug:code>/jam-kerja/", onboarding.office_hours, name="onboarding_hours"),
    path("unit/<slug:code>/sop/", onboarding.sop, name="onboarding_sop"),
    path("unit/<slug:code>/petugas/", onboarding.officers, name="onboarding_officers"),
    path("undangan/<str:token>/", onboarding.accept_invitation, name="invitation"),
]
