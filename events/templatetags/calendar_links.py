"""{% webcal path_or_url %}: a feed's subscription address.  Calendar apps
(Apple Calendar, Outlook, Thunderbird, most phones) open webcal:// and keep
the feed up to date; the .ics address itself downloads once."""

from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def webcal(context, address: str) -> str:
    parts = urlsplit(address)
    if parts.scheme in ("http", "https"):
        return "webcal://" + address.split("://", 1)[1]
    return f"webcal://{context['request'].get_host()}{address}"
