"""The chat's WebSocket addresses (the ASGI app in ``kefu.asgi`` mounts them)."""

from django.urls import path

from kefu.chat import consumers

websocket_urlpatterns = [
    path("ws/chat/staff/", consumers.StaffConsumer.as_asgi()),
    path("ws/chat/c/<str:token>/", consumers.CustomerConsumer.as_asgi()),
]
