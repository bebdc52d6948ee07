from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "kefu.team"
    label = "team"
    verbose_name = "团队"
