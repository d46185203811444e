from django.urls import path

from . import views

app_name = "agrilists"
urlpatterns = [
    path("lists/", views.index, name="index"),
    path("lists/<int:pk>/", views.detail, name="detail"),
    path("lists/<int:pk>/list.xlsx", views.download, name="download"),
    path("lists/manage/", views.manage, name="manage"),
    path("lists/manage/new/", views.create, name="create"),
    path("lists/<int:pk>/edit/", views.edit, name="edit"),
    path("lists/<int:pk>/entries/add/", views.entries_add, name="entries_add"),
    path(
        "lists/<int:pk>/entries/<int:entry_id>/remove/",
        views.entry_remove,
        name="entry_remove",
    ),
    path("lists/<int:pk>/publish/", views.publish, name="publish"),
    path("workspace/lists/", views.place_fits, name="fits"),
]
