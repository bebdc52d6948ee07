app_name = "replies"
urlpatterns: list = []
