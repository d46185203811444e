from django.urls import path

from . import views

app_name = "achievements"
urlpatterns = [
    path("achievements/", views.catalogue, name="catalogue"),
    path("achievements/export.xlsx", views.export_xlsx, name="export"),
    path("achievements/<int:pk>/", views.detail, name="detail"),
    path(
        "achievements/<int:pk>/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "achievements/<int:pk>/files/",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path("workspace/achievements/", views.my_achievements, name="mine"),
    path("workspace/achievements/new/", views.achievement_new, name="new"),
    path("workspace/reviews/", views.review_queue, name="review_queue"),
    path("workspace/achievements/<int:pk>/edit/", views.achievement_edit, name="edit"),
    path(
        "workspace/achievements/<int:pk>/submit/",
        views.achievement_submit,
        name="submit",
    ),
    path(
        "workspace/achievements/<int:pk>/review/",
        views.achievement_review,
        name="review",
    ),
    path("workspace/profile/", views.investor_profile, name="investor_profile"),
    path("demands/", views.demand_list, name="demand_list"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("workspace/demands/new/", views.demand_edit, name="demand_new"),
    path("workspace/demands/<int:pk>/edit/", views.demand_edit, name="demand_edit"),
]
