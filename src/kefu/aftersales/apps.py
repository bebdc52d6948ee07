from django.apps import AppConfig


class AftersalesConfig(AppConfig):
    name = "kefu.aftersales"
    label = "aftersales"
    verbose_name = "售后"

    def ready(self):
        from kefu.aftersales import rules  # noqa: F401 - declares the after-sales shop settings
        from kefu.aftersales.sweep import aftersales_sweep
        from kefu.core import sweeps

        sweeps.register("aftersales", aftersales_sweep)
