app_name = "replies_api"
urlpatterns: list = []
