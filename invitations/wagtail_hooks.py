"""Invitations in the Wagtail admin: the saved lists' viewset, a roadshow's
invitations page (invitations.admin_views) and its button next to the
roadshow."""

from django import forms
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from accounts.admin_menu import OrganizersOnly

from . import admin_views
from .models import InvitationList

# The saved lists are the organizers' (the rule invitation.manage).
register_permission_policy(
    InvitationList, OrganizersOnly(InvitationList, rule="invitation.manage")
)


class InvitationListViewSet(ModelViewSet):
    model = InvitationList
    icon = "group"
    menu_label = gettext_lazy("邀请名单")
    menu_order = 192
    add_to_admin_menu = True
    list_display = ["name", "updated_at"]
    search_fields = ["name"]
    copy_view_enabled = False
    inspect_view_enabled = False
    panels = [
        FieldPanel("name"),
        FieldPanel("organizations", widget=forms.CheckboxSelectMultiple),
    ]

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update=for_update)
        from .selectors import invitable_organizations

        form_class.base_fields["organizations"].queryset = invitable_organizations()
        return form_class


@hooks.register("register_admin_viewset")
def register_invitation_list_viewset():
    return InvitationListViewSet("invitation_list")


@hooks.register("register_admin_urls")
def register_invitation_urls():
    one = "roadshows/<int:pk>/invitations/"
    return [
        path(one, admin_views.roadshow_invitations_view, name="invitations_roadshow"),
        path(one + "invite/", admin_views.invite_view, name="invitations_invite"),
        path(
            one + "invite-list/",
            admin_views.invite_list_view,
            name="invitations_invite_list",
        ),
        path(
            one + "invite-recommended/",
            admin_views.invite_recommended_view,
            name="invitations_invite_recommended",
        ),
        path(
            one + "invite-pair/",
            admin_views.invite_pair_view,
            name="invitations_invite_pair",
        ),
        path(one + "places/", admin_views.places_view, name="invitations_places"),
        path(one + "remind/", admin_views.remind_view, name="invitations_remind"),
    ]


@hooks.register("register_roadshow_admin_buttons")
def invitations_button(roadshow):
    return [
        (
            _("邀请与答复"),
            reverse("invitations_roadshow", args=[roadshow.pk]),
            "mail",
        )
    ]
