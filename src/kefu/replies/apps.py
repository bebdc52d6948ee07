from django.apps import AppConfig


class RepliesConfig(AppConfig):
    name = "kefu.replies"
    label = "replies"
    verbose_name = "快捷短语"

    def ready(self):
        from kefu.replies import rules  # noqa: F401 - declares the replies' shop settings
