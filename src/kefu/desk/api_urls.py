app_name = "desk_api"
urlpatterns: list = []
