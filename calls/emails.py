"""The calls' emails to teams, each composed in one function that takes the
application's id, written with the decision (mailing: they leave once it
commits, from the background queue)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import team_emails
from mailing.services import email_send

from .enums import ApplicationStatus
from .models import Application

SIGNATURE = "科技成果路演平台"


def _recipients(application: Application) -> list[str]:
    """The applying team's members, and whoever applied for it."""
    emails = set(team_emails(organization_id=application.organization_id))
    if application.applied_by_id and application.applied_by.email:
        emails.add(application.applied_by.email)
    return sorted(emails)


def _send(application: Application, subject: str, body: str) -> None:
    email_send(to=_recipients(application), subject=subject, body=body)


def _facts(application: Application) -> dict[str, str]:
    roadshow = application.call.roadshow
    return {
        "achievement": application.achievement.title,
        "call": application.call.title,
        "roadshow": roadshow.title,
        "start": timezone.localtime(roadshow.start).strftime("%Y-%m-%d %H:%M"),
    }


def send_decision(*, application_id: int) -> None:
    """Accepted, on the waitlist, or declined (with the reason, if given)."""
    application = Application.objects.select_related(
        "call__roadshow", "achievement", "applied_by"
    ).get(pk=application_id)
    facts = _facts(application)
    if application.status == ApplicationStatus.ACCEPTED:
        subject = _("路演征集入选通知：%(call)s") % facts
        body = (
            _(
                "您好！\n\n“%(achievement)s”已入选“%(call)s”，将在“%(roadshow)s”"
                "（%(start)s）路演。请登录平台工作台，在路演开始前上传路演材料。\n\n"
            )
            % facts
        )
    elif application.status == ApplicationStatus.WAITLISTED:
        subject = _("路演征集候补通知：%(call)s") % facts
        body = _(
            "您好！\n\n“%(achievement)s”列入“%(call)s”的候补名单（第 %(n)d 位）。"
            "如有入选项目撤回，将按候补顺序递补，届时另行通知。\n\n"
        ) % {**facts, "n": application.waitlist_position or 0}
    elif application.status == ApplicationStatus.DECLINED:
        subject = _("路演征集结果通知：%(call)s") % facts
        body = (
            _(
                "您好！\n\n感谢您以“%(achievement)s”申请“%(call)s”。"
                "经评审，本次未能入选。\n\n"
            )
            % facts
        )
        if application.decline_reason:
            body += _("组织方说明：%(reason)s\n\n") % {
                "reason": application.decline_reason
            }
    else:
        return
    _send(application, subject, body + SIGNATURE)


def send_promoted(*, application_id: int) -> None:
    """A runner-up takes a freed place."""
    application = Application.objects.select_related(
        "call__roadshow", "achievement", "applied_by"
    ).get(pk=application_id)
    if application.status != ApplicationStatus.ACCEPTED:
        return
    facts = _facts(application)
    subject = _("路演征集递补入选通知：%(call)s") % facts
    body = (
        _(
            "您好！\n\n有入选项目撤回，“%(achievement)s”已由候补递补入选“%(call)s”，"
            "将在“%(roadshow)s”（%(start)s）路演。请登录平台工作台上传路演材料。\n\n"
        )
        % facts
    )
    _send(application, subject, body + SIGNATURE)


def decided(*, application_id: int) -> None:
    send_decision(application_id=application_id)


def promoted(*, application_id: int) -> None:
    send_promoted(application_id=application_id)
