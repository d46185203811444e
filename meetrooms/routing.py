from django.urls import path

from .consumers import MeetingRoomConsumer

websocket_urlpatterns = [
    path("ws/meet/<int:pk>/", MeetingRoomConsumer.as_asgi()),
]
