"""Matchmaking in the Wagtail admin: the organizers' pages
(matchmaking.admin_views) and their menu item."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks

from accounts.admin_menu import OrganizerMenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_matchmaking_urls():
    one = "matchmaking/<int:pk>/"
    return [
        path("matchmaking/", admin_views.index_view, name="matchmaking_index"),
        path(
            "matchmaking/new/<int:roadshow_pk>/",
            admin_views.session_create_view,
            name="matchmaking_create",
        ),
        path(one, admin_views.session_view, name="matchmaking_session"),
        path(one + "settings/", admin_views.settings_view, name="matchmaking_settings"),
        path(one + "places/", admin_views.place_add_view, name="matchmaking_place_add"),
        path(
            one + "places/<int:place_pk>/remove/",
            admin_views.place_remove_view,
            name="matchmaking_place_remove",
        ),
        path(
            one + "places/<int:place_pk>/video/",
            admin_views.place_video_view,
            name="matchmaking_place_video",
        ),
        path(one + "run/", admin_views.run_view, name="matchmaking_run"),
        path(one + "publish/", admin_views.publish_view, name="matchmaking_publish"),
        path(
            one + "meetings/<int:meeting_pk>/move/",
            admin_views.move_view,
            name="matchmaking_move",
        ),
    ]


@hooks.register("register_admin_menu_item")
def matchmaking_menu_item():
    return OrganizerMenuItem(
        gettext_lazy("供需对接"),
        reverse("matchmaking_index"),
        icon_name="group",
        order=192,
    )
