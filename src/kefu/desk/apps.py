from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "kefu.desk"
    label = "desk"
    verbose_name = "会话"
