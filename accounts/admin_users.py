"""Wagtail's users admin without the "administrator" (superuser) switch.

A superuser counts as an organizer, and organizer roles are granted on the
roles page, where every change is recorded (accounts.services.role_grant);
superusers are made with ``manage.py createsuperuser``."""

from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet


class RoadshowUserEditForm(UserEditForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("is_superuser", None)


class RoadshowUserCreationForm(UserCreationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("is_superuser", None)


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return RoadshowUserEditForm if for_update else RoadshowUserCreationForm
