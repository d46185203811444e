from django.urls import path

from . import views

app_name = "calls"
urlpatterns = [
    path("calls/", views.call_list, name="list"),
    path("calls/<int:pk>/", views.call_detail, name="detail"),
    path("workspace/calls/<int:pk>/apply/", views.apply, name="apply"),
    path("workspace/calls/<int:pk>/review/", views.review_list, name="review_list"),
    path(
        "workspace/applications/<int:pk>/",
        views.application_detail,
        name="application",
    ),
    path(
        "workspace/applications/<int:pk>/update/",
        views.application_update,
        name="application_update",
    ),
    path(
        "workspace/applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "workspace/applications/<int:pk>/deck/",
        views.application_deck,
        name="application_deck",
    ),
    path(
        "workspace/applications/<int:pk>/score/",
        views.review_score,
        name="review_score",
    ),
]
