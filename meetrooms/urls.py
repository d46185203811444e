from django.urls import path

from . import views

app_name = "meetrooms"
urlpatterns = [
    path("meet/<int:pk>/", views.room, name="room"),
    path("meet/<int:pk>/documents/", views.document_add, name="document_add"),
    path(
        "meet/<int:pk>/documents/<int:doc>/",
        views.document_download,
        name="document",
    ),
    path("meet/sessions/<int:pk>/board/", views.board, name="board"),
]
