urlpatterns: list = []
app_name = "reports"
