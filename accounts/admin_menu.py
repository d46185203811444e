from wagtail.admin.menu import MenuItem

from . import permissions


class OrganizerMenuItem(MenuItem):
    """A Wagtail admin menu item only organizers see."""

    def is_shown(self, request):
        return permissions.is_organizer(request.user)
