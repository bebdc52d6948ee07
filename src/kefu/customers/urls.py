from django.urls import path

from kefu.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_new, name="new"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/update/", views.CustomerUpdate.as_view(), name="update"),
    path("<int:pk>/blacklist/", views.CustomerBlacklist.as_view(), name="blacklist"),
    path("<int:pk>/lift/", views.CustomerBlacklistLift.as_view(), name="lift"),
]
