"""The chat's WebSocket addresses (the ASGI app in ``kefu.asgi`` mounts them).

Only the console's address reads the login session (cookie, session, user): a customer's window is
keyed by its conversation's token alone, so hundreds of windows connecting at once cost no session
read, and none waits for the database thread before it is accepted."""

from channels.auth import AuthMiddlewareStack
from django.urls import path

from kefu.chat import consumers

websocket_urlpatterns = [
    path("ws/chat/staff/", AuthMiddlewareStack(consumers.StaffConsumer.as_asgi())),
    path("ws/chat/c/<str:token>/", consumers.CustomerConsumer.as_asgi()),
]
