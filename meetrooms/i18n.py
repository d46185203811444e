"""The words the meeting room's script shows, translated on the server and
handed to the page as JSON (the script itself carries no text)."""

from django.utils.translation import gettext as _

from livestream.i18n import connection_text


def client_text() -> dict[str, str]:
    return {
        **connection_text(),
        "team": _("成果方"),
        "investor": _("投资方/需求方"),
        "organizer": _("主办方"),
        "other_in": _("对方已进入"),
        "other_out": _("对方未进入"),
        "you": _("我"),
        "no_messages": _("还没有消息。会面开始前也可以先打个招呼。"),
        "no_documents": _("还没有共享文件。"),
        "starts_in": _("距开始 %(t)s"),
        "starts_on": _("%(t)s 开始"),
        "ends_in": _("距结束 %(t)s"),
        "grace": _("会面时间已到，会议室将在 %(t)s 后只读"),
        "ended": _("会面已结束，会议室只能查看。"),
        "cancelled": _("会面已取消，会议室只能查看。"),
        "next": _("下一场："),
        "no_next": _("您在本场对接会中没有下一场会面。"),
        "open_video": _("进入视频会议"),
        "open_video_on": _("进入视频会议（%(provider)s）"),
        "side_is": _("%(side)s："),
        # Between names in a list.
        "sep": _("、"),
        "no_video": _(
            "还没有视频会议链接。任一方可以粘贴腾讯会议、飞书、钉钉、Zoom 等链接。"
        ),
        "default_video": _("主办方为该洽谈室提供的链接"),
        "video_saved": _("视频会议链接已更新。"),
        "note_saved": _("已保存"),
        "note_saving": _("正在保存…"),
        "uploading": _("正在上传…"),
        "upload_failed": _("上传失败（%(status)s），请刷新页面后重试。"),
        "withdraw": _("撤回"),
        "confirm_withdraw": _("撤回这个文件？对方将无法再查看。"),
        "shared_by": _("%(name)s 共享"),
        "removed_from_room": _("你已不在这场会面中。"),
    }
