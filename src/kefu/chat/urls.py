from django.urls import path

from kefu.chat import views

app_name = "chat"
urlpatterns = [
    path("", views.console, name="console"),
    path("history/", views.history, name="history"),
    path("history/<int:pk>/", views.history_detail, name="history_detail"),
    path("learned/", views.learned, name="learned"),
]
