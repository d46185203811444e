"""How a roadshow's stream URL is shown: an HLS stream played in the page,
an allow-listed provider's player in an iframe, or a plain link."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

# Players of streaming services used for roadshows in China (and two abroad);
# LIVE_IFRAME_HOSTS in settings replaces the list.
IFRAME_HOSTS = (
    "player.bilibili.com",
    "live.bilibili.com",
    "live.polyv.cn",
    "player.polyv.net",
    "live.vhall.com",
    "e.vhall.com",
    "player.youku.com",
    "v.qq.com",
    "channels.weixin.qq.com",
    "player.vimeo.com",
    "www.youtube-nocookie.com",
)


@dataclass(frozen=True)
class Stream:
    kind: str  # "hls" | "iframe" | "link"
    url: str


def iframe_hosts() -> tuple[str, ...]:
    return tuple(getattr(settings, "LIVE_IFRAME_HOSTS", IFRAME_HOSTS))


def stream_of(url: str) -> Stream | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return None
    if parts.path.lower().endswith(".m3u8"):
        return Stream("hls", url)
    if parts.scheme == "https" and parts.hostname.lower() in iframe_hosts():
        return Stream("iframe", url)
    return Stream("link", url)


def room_path(roadshow) -> str:
    """Where an online participant watches the roadshow: its live room, which
    plays the stream whatever its kind (events/links.py asks for it)."""
    return reverse("livestream:room", args=[roadshow.pk])
