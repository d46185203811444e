"""Video-call links for online meetings: https, on a provider the platform
allows (``MEETING_VIDEO_HOSTS``), with no credentials and no odd port.  The
one check, used for a place's standing link and for a link pasted in a
meeting room."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from .services.base import MatchError

MAX_LENGTH = 500
# What a browser and this check both read as the same host: letters, digits,
# dots and hyphens, optionally ":443" — nothing a browser would read otherwise
# (a backslash, an escape, userinfo).
NETLOC = re.compile(r"^[a-z0-9.-]+(:443)?$")

# host (and its subdomains) → the provider's name as shown.
DEFAULT_HOSTS = {
    "meeting.tencent.com": "腾讯会议",
    "voovmeeting.com": "VooV Meeting",
    "vc.feishu.cn": "飞书会议",
    "meetings.feishu.cn": "飞书会议",
    "vc.larksuite.com": "Lark",
    "meeting.dingtalk.com": "钉钉会议",
    "zoom.us": "Zoom",
    "zoom.com.cn": "Zoom",
    "webex.com": "Webex",
    "teams.microsoft.com": "Microsoft Teams",
}


def allowed_hosts() -> dict[str, str]:
    return getattr(settings, "MEETING_VIDEO_HOSTS", DEFAULT_HOSTS)


def provider_of(url: str) -> str | None:
    """The provider's name of a link that passes :func:`video_link`."""
    host = (urlsplit(url).hostname or "").lower()
    for allowed, name in allowed_hosts().items():
        if host == allowed or host.endswith("." + allowed):
            return name
    return None


def video_link(url: str) -> str:
    """The link, trimmed, or MatchError saying what is wrong with it."""
    url = (url or "").strip()
    if not url:
        return ""
    if (
        len(url) > MAX_LENGTH
        or any(ch.isspace() or not ch.isprintable() for ch in url)
        or "\\" in url
    ):
        raise MatchError(_("视频会议链接格式不正确。"))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise MatchError(_("视频会议链接格式不正确。")) from None
    if parts.scheme.lower() != "https":
        raise MatchError(_("视频会议链接必须以 https:// 开头。"))
    if (
        parts.username
        or parts.password
        or port not in (None, 443)
        or not NETLOC.match(parts.netloc.lower())
    ):
        raise MatchError(_("视频会议链接格式不正确。"))
    if provider_of(url) is None:
        names = sorted(set(allowed_hosts().values()))
        raise MatchError(
            _("只接受以下视频会议平台的链接：%(names)s。") % {"names": "、".join(names)}
        )
    return url
