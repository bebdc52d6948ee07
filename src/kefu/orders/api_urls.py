app_name = "orders_api"
urlpatterns: list = []
