from django.urls import path

from pengaduan.webhooks import sms, whatsapp

app_name = "webhooks"
urlpatterns = [
    path("whatsapp/", whatsapp.webhook, name="whatsapp"),
    path("sms/", sms.webhook, name="sms"),
]
