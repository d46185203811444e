"""The calls in the Wagtail admin: the organizers' pages (calls.admin_views),
a button next to each roadshow's own, and the menu item."""

from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy
from wagtail import hooks

from accounts.admin_menu import OrganizerMenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_call_urls():
    one = "calls/<int:pk>/"
    return [
        path("calls/", admin_views.index_view, name="calls_index"),
        path(
            "roadshows/<int:pk>/calls/",
            admin_views.roadshow_calls_view,
            name="calls_roadshow",
        ),
        path(
            "roadshows/<int:pk>/calls/open/",
            admin_views.call_open_view,
            name="calls_open",
        ),
        path(one, admin_views.manage_view, name="calls_manage"),
        path(
            one + "reviewers/add/",
            admin_views.reviewer_add_view,
            name="calls_reviewer_add",
        ),
        path(
            one + "reviewers/<int:user_pk>/remove/",
            admin_views.reviewer_remove_view,
            name="calls_reviewer_remove",
        ),
        path(one + "decide/", admin_views.decide_view, name="calls_decide"),
        path(
            one + "applications/<int:app_pk>/accept/",
            admin_views.accept_view,
            name="calls_accept",
        ),
        path(one + "close/", admin_views.close_view, name="calls_close"),
        path(one + "export.xlsx", admin_views.export_view, name="calls_export"),
    ]


@hooks.register("register_roadshow_admin_buttons")
def roadshow_calls_button(roadshow):
    return [
        (
            gettext("路演征集"),
            reverse("calls_roadshow", args=[roadshow.pk]),
            "form",
        )
    ]


@hooks.register("register_admin_menu_item")
def calls_menu_item():
    return OrganizerMenuItem(
        gettext_lazy("路演征集"),
        reverse("calls_index"),
        icon_name="form",
        order=192,
    )
