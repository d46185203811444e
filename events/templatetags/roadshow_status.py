"""{% roadshow_status_badge roadshow %}: the public's badge for a roadshow,
wherever one is shown (the words come from selectors.roadshow_public_status)."""

from django import template

from ..selectors import roadshow_public_status

register = template.Library()


@register.inclusion_tag("events/includes/public_status.html")
def roadshow_status_badge(roadshow):
    return {"status": roadshow_public_status(roadshow=roadshow)}
