from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy

from . import permissions


class OrganizerMenuItem(MenuItem):
    """A Wagtail admin menu item only organizers see."""

    def is_shown(self, request):
        return permissions.is_organizer(request.user)


class OrganizersOnly(ModelPermissionPolicy):
    """The admin's permission policy for a model only organizers handle:
    organizers (or, with ``rule``, whoever that rule allows) may do
    ``actions`` (every action when None); nobody else sees the model."""

    def __init__(self, model, *, actions=None, rule: str | None = None):
        super().__init__(model)
        self.actions = None if actions is None else frozenset(actions)
        self.rule = rule

    def _allowed(self, user) -> bool:
        if self.rule is not None:
            return permissions.user_can(user, self.rule)
        return permissions.is_organizer(user)

    def user_has_permission(self, user, action):
        return (self.actions is None or action in self.actions) and self._allowed(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)
