"""The lists' panel of the workspace: for the people of a park or a county."""

from accounts import permissions
from accounts.workspace import panel

from .selectors import places_of


@panel(order=41)
def place_panel(request):
    # Organizers reach every place from the admin; the panel is the places'.
    if permissions.is_organizer(request.user):
        return None
    places = places_of(user=request.user)
    if not places.exists():
        return None
    return "agrilists/includes/panel_place.html", {"places": list(places[:5])}
