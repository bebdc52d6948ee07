"""The ASGI application ``kefu serve`` runs: Django's pages and API over HTTP, the chat over
WebSocket (Django Channels). Agents' sockets are authenticated by their login session; a socket
from another site's page is refused (its Origin must be one of ALLOWED_HOSTS)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402 - after Django is set up
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from kefu.chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # the agents' socket reads the login session itself (chat/routing.py); customers' need none
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
