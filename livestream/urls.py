from django.urls import path

from . import views

app_name = "livestream"
urlpatterns = [
    path("live/<int:pk>/", views.room_page, name="room"),
    path("live/<int:pk>/screen/", views.screen_page, name="screen"),
    path("live/<int:pk>/questions.xlsx", views.questions_export, name="export"),
    path("live/<int:pk>/moderators/", views.moderators_edit, name="moderators"),
]
