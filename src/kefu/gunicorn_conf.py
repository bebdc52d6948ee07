"""gunicorn settings for kefu's scaled setup: one server for the pages, the API and the chat's push.

    gunicorn -c python:kefu.gunicorn_conf kefu.asgi:application

(``kefu serve --gunicorn`` runs exactly this.) Uvicorn workers under gunicorn's master, with the
application loaded ONCE in the master before it forks (``preload_app``): Django, every app, the word
dictionary of the segmenter and the synonym table are built there, and the workers share those pages
with the master instead of each building its own copy. Two workers then take about half the memory
they took when each loaded everything itself.

Read from the environment: ``KEFU_BIND`` (default 127.0.0.1:8000), ``KEFU_WORKERS`` (default 2),
``KEFU_ACCESS_LOG`` (1: log every request; default off).
"""

import os

from uvicorn.workers import UvicornWorker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")

bind = os.environ.get("KEFU_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KEFU_WORKERS", "2"))
worker_class = "kefu.gunicorn_conf.KefuUvicornWorker"
preload_app = True
graceful_timeout = 10
keepalive = 10
accesslog = "-" if os.environ.get("KEFU_ACCESS_LOG", "0") == "1" else None
# behind nginx: the client's address and scheme from X-Forwarded-* of a proxy on this host
forwarded_allow_ips = "127.0.0.1"


class KefuUvicornWorker(UvicornWorker):
    """The same uvicorn settings ``kefu serve`` gives its server: pings keep idle chat sockets alive
    through proxies, frames are small and not worth compressing."""

    CONFIG_KWARGS = {
        **UvicornWorker.CONFIG_KWARGS,
        "proxy_headers": True,
        "ws_ping_interval": 20.0,
        "ws_max_size": 64 * 1024,
        "ws_per_message_deflate": False,
    }


def warm_up() -> None:
    """Build in this process what each worker would otherwise build on its first requests: every
    URL pattern and view module, both languages' translations, the public pages' compiled templates
    (by serving the directory and an article once), the segmenter's dictionary and the shop's
    synonym table. Called in the master after the application is loaded. Afterwards its database
    connection is closed (no worker inherits a connection another process uses), the view it
    counted is dropped (each worker would write it again), and what was built is moved out of the
    garbage collector's reach, so the collector in a worker does not touch (and copy) shared pages."""
    import gc

    import rjieba
    from django.conf import settings
    from django.db import connections
    from django.test import Client
    from django.urls import get_resolver, reverse
    from django.utils import translation

    from kefu.helpcenter.models import Article
    from kefu.helpcenter.services import article_views_forget
    from kefu.search import synonyms

    get_resolver().url_patterns  # noqa: B018 - imports every app's urls and views
    for code, _name in settings.LANGUAGES:
        translation.activate(code)
    translation.deactivate()
    rjieba.cut_for_search("预热分词词典")
    try:
        synonyms.cached_map()
        client = Client(HTTP_HOST=_a_host(settings.ALLOWED_HOSTS))
        client.get(reverse("helpcenter:home"))
        first = Article.objects.filter(status=Article.Status.PUBLISHED).values_list("pk", flat=True).first()
        if first is not None:
            client.get(reverse("helpcenter:article", args=[first]))
    except Exception:  # noqa: BLE001, S110 - a database not migrated yet: each worker warms itself
        pass
    finally:
        article_views_forget()
        connections.close_all()
    gc.collect()
    gc.freeze()


def _a_host(allowed: list[str]) -> str:
    host = next((h for h in allowed if h != "*"), "localhost")
    return f"www{host}" if host.startswith(".") else host


def on_starting(server) -> None:
    # preload_app has imported the application (and so set Django up) before this hook runs
    warm_up()


def worker_exit(server, worker) -> None:
    """Write the article views this worker counted and has not written yet."""
    from kefu.helpcenter.services import article_views_flush

    try:
        article_views_flush()
    finally:
        from django.db import connections

        connections.close_all()
