from django.urls import path

from . import manage, views

app_name = "licences"
urlpatterns = [
    path("open-licences/", views.open_licence_list, name="list"),
    path("open-licences/export.xlsx", views.open_licence_export, name="export"),
    path("open-licences/new.ics", views.open_licence_calendar, name="calendar"),
    path("open-licences/<int:pk>/", views.open_licence_detail, name="detail"),
    path("open-licences/<int:pk>/take/", views.licence_take, name="take"),
    path("workspace/open-licences/", manage.declaration_list, name="manage"),
    path("workspace/open-licences/new/", manage.declaration_new, name="new"),
    path(
        "workspace/open-licences/<int:pk>/edit/", manage.declaration_edit, name="edit"
    ),
    path(
        "workspace/open-licences/<int:pk>/withdraw/",
        manage.declaration_withdraw,
        name="withdraw",
    ),
    path(
        "workspace/open-licences/<int:pk>/review/",
        manage.declaration_review,
        name="review",
    ),
]
