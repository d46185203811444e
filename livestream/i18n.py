"""The words the live room's script shows, translated on the server and handed
to the page as JSON (the script itself carries no text)."""

from django.utils.translation import gettext as _


def connection_text() -> dict[str, str]:
    """The state of a room's socket, as every room's script shows it."""
    return {
        "connecting": _("正在连接…"),
        "live": _("已连接"),
        "reconnecting": _("连接中断，%(s)s 秒后重连…"),
        "offline": _("已断开"),
    }


def client_text() -> dict[str, str]:
    return {
        **connection_text(),
        "watching": _("%(n)s 人在线"),
        "votes": _("赞"),
        "upvote": _("点赞"),
        "unvote": _("取消点赞"),
        "own_question": _("这是你提的问题"),
        "anonymous": _("匿名"),
        "pending": _("待审核"),
        "answered": _("已回答"),
        "pinned": _("正在回答"),
        "approve": _("通过"),
        "edit_approve": _("修改后通过"),
        "dismiss": _("忽略"),
        "pin": _("置顶回答"),
        "unpin": _("取消置顶"),
        "mark_answered": _("标为已回答"),
        "to_deal": _("登记意向"),
        "mark_unanswered": _("取消已回答"),
        "mute": _("禁言"),
        "unmute": _("解除禁言"),
        "readmit": _("允许回到直播间"),
        "no_sanctions": _("没有被禁言或移出的用户。"),
        "remove": _("移出"),
        "delete": _("删除"),
        "now_presenting": _("正在路演"),
        "request_meeting": _("约见该项目"),
        "set_current": _("设为当前"),
        "no_questions": _("还没有问题。"),
        "no_chat": _("还没有消息。"),
        "sent_for_review": _("问题已提交，主持人审核后展示。"),
        "you_are_muted": _("你已被主持人禁言。"),
        "mute_lifted": _("主持人已解除你的禁言。"),
        "edit_prompt": _("修改问题后通过："),
        "confirm_remove": _("把此用户移出直播间？"),
        "all_pitches": _("全部项目"),
        "waiting": _("等待主持人选择要回答的问题"),
        "poll": _("投票"),
        "poll_multiple": _("多选"),
        "poll_single": _("单选"),
        "poll_submit": _("提交"),
        "poll_change": _("修改选择"),
        "poll_close": _("结束投票"),
        "poll_closed": _("投票已结束"),
        "poll_voters": _("%(n)s 人参与"),
        "poll_answered": _("已提交，投票结束前可以修改。"),
        "score_saved": _("评分已保存，直播结束前可以修改。"),
        "score_incomplete": _("请对每一项评分维度打分。"),
        "scorers": _("%(n)s 人已评分"),
        "note_sent": _("已发送给路演团队。"),
        "no_notes": _("还没有主持人消息。"),
        "from_moderator": _("主持人消息"),
        "time_left": _("剩余时间"),
        "overtime": _("已超时"),
        "no_pitch": _("现在没有项目在路演。"),
        "not_presenting_wait": _(
            "现在不是你们团队的路演时间，轮到你们时这里会自动连接。"
        ),
    }
