from django.urls import path

from kefu.customers import api

app_name = "customers_api"
urlpatterns = [
    path("", api.CustomerListApi.as_view(), name="list"),
    path("satisfaction/", api.SatisfactionApi.as_view(), name="satisfaction"),
    path("surveys/<str:token>/", api.SurveyApi.as_view(), name="survey"),
    path("blacklist/check/", api.BlacklistCheckApi.as_view(), name="blacklist_check"),
    path("<int:pk>/", api.CustomerDetailApi.as_view(), name="detail"),
    path("<int:pk>/blacklist/", api.CustomerBlacklistApi.as_view(), name="blacklist"),
    path("<int:pk>/lift/", api.CustomerBlacklistLiftApi.as_view(), name="lift"),
]

# ``GET /api/customers/``: the shop's scripts read the profiles here (see kefu/urls.py)
profiles_urlpatterns = [path("", api.CustomerProfilesApi.as_view(), name="profiles")]
