from django.urls import path

from .consumers import LiveRoomConsumer

websocket_urlpatterns = [
    path("ws/live/<int:pk>/", LiveRoomConsumer.as_asgi()),
]
