app_name = "aftersales_api"
urlpatterns: list = []
