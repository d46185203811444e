from django.urls import path

from . import views

app_name = "livestream"
urlpatterns = [
    path("live/<int:pk>/", views.room_page, name="room"),
    path("live/<int:pk>/screen/", views.screen_page, name="screen"),
    path("live/<int:pk>/questions.xlsx", views.questions_export, name="export"),
    path("live/<int:pk>/moderators/", views.moderators_edit, name="moderators"),
    path("live/<int:pk>/presenter/", views.presenter_page, name="presenter"),
    path("live/<int:pk>/scores/", views.scores_page, name="scores"),
    path("live/<int:pk>/scores.xlsx", views.scores_export, name="scores_export"),
    path("live/<int:pk>/judges/", views.judges_edit, name="judges"),
    path("live/<int:pk>/criteria/", views.criteria_edit, name="criteria"),
]
