"""The writes of open licences: a team declares (and, while it is in
review, changes) a declaration; a reviewer clears or returns it; the team
withdraws it; an approved enterprise takes a licence by its written notice,
which opens a deal on the tracker's 许可 path with the published terms
(through the tracker's own ``deal_create``) and tells the team — all in one
transaction, so a refused notice leaves nothing behind.  Keyword-only,
typed values in (the forms parse what people type), permission checked
inside; ``by=None`` is the platform itself (demo data, commands)."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import Organization
from accounts.permissions import user_can
from accounts.selectors import team_emails
from achievements.enums import TransferMode
from achievements.models import Achievement
from achievements.selectors import achievement_was_published
from mailing.services import email_send
from tracker.enums import DealPath, LicenceFee, LicenceKind, Stage
from tracker.services import DealError, actor, deal_create

from .enums import DeclarationStatus, PatentType
from .models import Declaration, LicenceNotice
from .rules import licensee_orgs
from .selectors import declaration_is_listed_to, open_notice

TEXT_LIMIT = 2000
SIGNATURE = "科技成果路演平台"


class LicenceError(Exception):
    """A write refused, with the reason in the user's language."""


@dataclass(frozen=True)
class Terms:
    """What a declaration says, as typed values."""

    patent_number: str
    patent_title: str
    patent_type: str
    starts: dt.date
    ends: dt.date
    territory: str
    fee_mode: str
    fee_amount: Decimal | None
    royalty_rate: Decimal | None
    reporting: str
    royalty_base: str = ""
    fee_note: str = ""


# A Chinese patent (application) number: 12 digits since 2003 (8 before),
# then a check character; written with or without ZL, spaces and the dot.
_NUMBER = re.compile(r"^(?:ZL|CN)?(\d{12}|\d{8})\.?([0-9X])$")
_IN_TEXT = re.compile(r"(?:ZL|CN)?\s*(\d{12}|\d{8})\s*[.．]?\s*([0-9X])(?![0-9])")
# The type digit of the number (the 5th of 12, the 3rd of 8).
_TYPE_DIGIT = {
    "1": PatentType.INVENTION,
    "8": PatentType.INVENTION,
    "2": PatentType.UTILITY_MODEL,
    "9": PatentType.UTILITY_MODEL,
    "3": PatentType.DESIGN,
}


def patent_number_normalized(text: str) -> str | None:
    """``ZL202110123456.7`` from any usual way of writing it, or None."""
    raw = re.sub(r"\s", "", text or "").upper().replace("．", ".")
    found = _NUMBER.match(raw)
    if found is None:
        return None
    return f"ZL{found[1]}.{found[2]}"


def patent_type_of(number: str) -> str | None:
    """The patent type the (normalized) number says."""
    digits = number[2:].split(".")[0]
    return _TYPE_DIGIT.get(digits[4] if len(digits) == 12 else digits[2])


def patents_of(achievement: Achievement) -> set[str]:
    """The patent numbers written in the achievement's IP field."""
    text = (achievement.patents or "").upper()
    return {f"ZL{a}.{b}" for a, b in _IN_TEXT.findall(text)}


def one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28) + dt.timedelta(days=1)


def _text(value: str, *, label: str, limit: int, required: bool = False) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        raise LicenceError(_("内容包含无效字符。"))
    if required and not text:
        raise LicenceError(_("请填写“%(field)s”。") % {"field": label})
    if len(text) > limit:
        raise LicenceError(
            _("“%(field)s”不能超过 %(n)d 个字。") % {"field": label, "n": limit}
        )
    return text


def _checked(terms: Terms, *, achievement: Achievement) -> dict[str, Any]:
    """The declaration's columns from its terms, or what is wrong with them."""
    number = patent_number_normalized(terms.patent_number)
    if number is None:
        raise LicenceError(
            _("专利号格式不正确，应为 12 位数字加校验位，如 ZL202110123456.7。")
        )
    if terms.patent_type not in PatentType.values:
        raise LicenceError(_("请选择专利类型。"))
    said = patent_type_of(number)
    if said is not None and said != terms.patent_type:
        raise LicenceError(
            _("专利号 %(number)s 是%(said)s，与所选的“%(chosen)s”不符。")
            % {
                "number": number,
                "said": PatentType(said).label,
                "chosen": PatentType(terms.patent_type).label,
            }
        )
    if number not in patents_of(achievement):
        raise LicenceError(
            _(
                "专利 %(number)s 不在该成果登记的知识产权（专利号）中；"
                "请先在成果中补充并经审查后再声明。"
            )
            % {"number": number}
        )
    if terms.ends < one_year_after(terms.starts) - dt.timedelta(days=1):
        raise LicenceError(_("许可期限不得少于一年。"))
    if terms.ends <= timezone.localdate():
        raise LicenceError(_("许可期限的结束日期应晚于今天。"))
    if terms.fee_mode not in LicenceFee.values:
        raise LicenceError(_("请选择许可使用费支付方式。"))
    amount, rate = terms.fee_amount, terms.royalty_rate
    if terms.fee_mode == LicenceFee.ROYALTY:
        amount = None
    elif amount is None or amount <= 0:
        raise LicenceError(
            _("请填写一次性支付的金额（万元），大于 0。")
            if terms.fee_mode == LicenceFee.LUMP_SUM
            else _("请填写入门费（万元），大于 0。")
        )
    if terms.fee_mode == LicenceFee.LUMP_SUM:
        rate = None
    elif rate is None or not 0 < rate <= 100:
        raise LicenceError(_("请填写提成比例（%），大于 0、不超过 100。"))
    return {
        "patent_number": number,
        "patent_title": _text(
            terms.patent_title, label=_("专利名称"), limit=200, required=True
        ),
        "patent_type": terms.patent_type,
        "starts": terms.starts,
        "ends": terms.ends,
        "territory": _text(
            terms.territory, label=_("许可地域范围"), limit=200, required=True
        ),
        "fee_mode": terms.fee_mode,
        "fee_amount": amount,
        "royalty_rate": rate,
        "royalty_base": _text(
            terms.royalty_base if rate is not None else "",
            label=_("提成基数"),
            limit=100,
        ),
        "fee_note": _text(terms.fee_note, label=_("支付标准说明"), limit=TEXT_LIMIT),
        "reporting": _text(
            terms.reporting,
            label=_("被许可人报告要求"),
            limit=TEXT_LIMIT,
            required=True,
        ),
    }


def _held_elsewhere(number: str, *, exclude: int | None = None) -> None:
    held = Declaration.objects.filter(
        patent_number=number, status__in=DeclarationStatus.live()
    ).exclude(pk=exclude)
    other = held.first()
    if other is not None:
        raise LicenceError(
            _(
                "专利 %(number)s 已有开放许可声明（%(status)s）；"
                "如需更改条件或已到期，请先撤回原声明。"
            )
            % {"number": number, "status": other.get_status_display()}
        )


def declaration_submit(
    *, achievement: Achievement, terms: Terms, by: Any
) -> Declaration:
    """A team declares the open-licence terms of one patent of its published
    achievement; the declaration waits for confidentiality review."""
    if not achievement_was_published(achievement=achievement):
        raise LicenceError(_("成果通过保密审查发布后，才能声明开放许可。"))
    if by is not None and not user_can(by, "licence.declare", achievement):
        raise PermissionDenied
    columns = _checked(terms, achievement=achievement)
    _held_elsewhere(columns["patent_number"])
    try:
        with transaction.atomic():
            return Declaration.objects.create(
                achievement=achievement,
                submitted_at=timezone.now(),
                created_by=actor(by),
                **columns,
            )
    except IntegrityError as exc:  # declared at the same instant elsewhere
        raise LicenceError(
            _("专利 %(number)s 已有开放许可声明。")
            % {"number": columns["patent_number"]}
        ) from exc


def _locked(declaration_id: int) -> Declaration:
    declaration = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("achievement", "achievement__owner")
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is None:
        raise LicenceError(_("该开放许可声明不存在。"))
    return declaration


def declaration_update(*, declaration_id: int, terms: Terms, by: Any) -> Declaration:
    """Change a declaration nobody has published yet (waiting for review,
    or returned): it goes back to the reviewers."""
    with transaction.atomic():
        declaration = _locked(declaration_id)
        if by is not None and not user_can(by, "licence.manage", declaration):
            raise PermissionDenied
        if declaration.status not in DeclarationStatus.editable():
            raise LicenceError(
                _("“%(status)s”的声明不能修改；如需更改条件，请撤回后重新声明。")
                % {"status": declaration.get_status_display()}
            )
        columns = _checked(terms, achievement=declaration.achievement)
        _held_elsewhere(columns["patent_number"], exclude=declaration.pk)
        for name, value in columns.items():
            setattr(declaration, name, value)
        declaration.status = DeclarationStatus.SUBMITTED
        declaration.submitted_at = timezone.now()
        declaration.save()
    return declaration


def declaration_review(
    *, declaration_id: int, by: Any, clear: bool, note: str = ""
) -> Declaration:
    """A reviewer clears a declaration (it is listed from now on) or returns
    it to the team with the reason."""
    note = _text(note, label=_("审查意见"), limit=TEXT_LIMIT)
    with transaction.atomic():
        declaration = _locked(declaration_id)
        if by is not None and not user_can(by, "licence.review", declaration):
            raise LicenceError(
                _("只有审查人员可以审查开放许可声明，且不能审查本单位的声明。")
            )
        if declaration.status != DeclarationStatus.SUBMITTED:
            raise LicenceError(
                _("该声明已是“%(status)s”，不在待审查之列。")
                % {"status": declaration.get_status_display()}
            )
        if not clear and not note:
            raise LicenceError(_("退回时请写明理由。"))
        if clear and not achievement_was_published(achievement=declaration.achievement):
            raise LicenceError(_("该成果已不再发布，声明不能公开；请退回。"))
        if clear and declaration.ends <= timezone.localdate():
            raise LicenceError(_("该声明的许可期限已过，不能公开；请退回。"))
        now = timezone.now()
        declaration.status = (
            DeclarationStatus.CLEARED if clear else DeclarationStatus.RETURNED
        )
        declaration.review_note = note
        declaration.reviewed_by = actor(by)
        declaration.reviewed_at = now
        if clear:
            declaration.cleared_at = now
        declaration.save()
    return declaration


def declaration_withdraw(*, declaration_id: int, by: Any) -> Declaration:
    """The team withdraws its declaration: no new licence is taken on it;
    licences already taken run on as their deals say."""
    with transaction.atomic():
        declaration = _locked(declaration_id)
        if by is not None and not user_can(by, "licence.manage", declaration):
            raise PermissionDenied
        if declaration.status == DeclarationStatus.WITHDRAWN:
            raise LicenceError(_("该声明已撤回。"))
        declaration.status = DeclarationStatus.WITHDRAWN
        declaration.withdrawn_at = timezone.now()
        declaration.save()
    return declaration


def fee_in_words(declaration: Declaration) -> str:
    """The fee's mode and standard as the notice and the pages state it."""
    comma = pgettext("punctuation", "，")
    amount = declaration.fee_amount
    rate = declaration.royalty_rate
    base = declaration.royalty_base or _("约定基数")
    if declaration.fee_mode == LicenceFee.LUMP_SUM:
        words = _("一次性支付 %(amount)s 万元") % {"amount": amount}
    elif declaration.fee_mode == LicenceFee.ROYALTY:
        words = _("按%(base)s的 %(rate)s%% 提成") % {"base": base, "rate": rate}
    else:
        words = _("入门费 %(amount)s 万元，另按%(base)s的 %(rate)s%% 提成") % {
            "amount": amount,
            "base": base,
            "rate": rate,
        }
    # The notice and the pages end the sentence themselves.
    note = declaration.fee_note.rstrip("。.；;，, ")
    if note:
        words += comma + note
    return words


def notice_text(*, declaration: Declaration, organization: Organization) -> str:
    """The written notice 书面通知 an organization sends to take the open
    licence, stating the published terms it accepts."""
    achievement = declaration.achievement
    return _(
        "致%(owner)s：\n"
        "%(licensee)s依据贵单位于 %(published)s 公开的开放许可声明，"
        "书面通知贵单位：本单位接受该声明公告的全部许可条件，"
        "实施%(kind)s“%(title)s”（专利号 %(number)s）。\n"
        "许可类型：普通许可（开放许可）；许可地域范围：%(territory)s；"
        "许可期限至 %(ends)s。\n"
        "许可使用费：%(fee)s。\n"
        "本单位将按声明的要求报告：%(reporting)s\n"
        "所涉成果：%(achievement)s。"
    ) % {
        "owner": achievement.owner.name,
        "licensee": organization.name,
        "published": timezone.localtime(declaration.cleared_at).date().isoformat()
        if declaration.cleared_at
        else "—",
        "kind": declaration.get_patent_type_display(),
        "title": declaration.patent_title,
        "number": declaration.patent_number,
        "territory": declaration.territory,
        "ends": declaration.ends.isoformat(),
        "fee": fee_in_words(declaration),
        "reporting": declaration.reporting,
        "achievement": achievement.title,
    }


def licence_problem(
    *, declaration: Declaration, organization_id: int, today: dt.date
) -> str | None:
    """Why this organization cannot take this licence today, or None."""
    if declaration.status == DeclarationStatus.WITHDRAWN:
        return _("该开放许可声明已于 %(date)s 撤回，不能再取得许可。") % {
            "date": timezone.localtime(declaration.withdrawn_at).date().isoformat()
        }
    if declaration.status != DeclarationStatus.CLEARED:
        return _("该开放许可声明尚未通过审查公开，不能取得许可。")
    if today > declaration.ends:
        return _("该开放许可已于 %(date)s 到期，不能再取得许可。") % {
            "date": declaration.ends.isoformat()
        }
    if today < declaration.starts:
        return _("该开放许可自 %(date)s 起方可取得。") % {
            "date": declaration.starts.isoformat()
        }
    held = open_notice(declaration=declaration, organization_id=organization_id)
    if held is not None:
        return _(
            "贵单位已于 %(date)s 就该专利发出书面通知，取得的许可仍在跟进中"
            "（%(stage)s），不能重复取得。"
        ) % {
            "date": timezone.localtime(held.sent_at).strftime("%Y-%m-%d %H:%M"),
            "stage": Stage(held.deal.stage).label,
        }
    return None


def licence_take(
    *, declaration_id: int, organization: Organization, by: Any
) -> LicenceNotice:
    """An approved enterprise sends its written notice: recorded with its
    time, it opens a deal on the 许可 path with the published terms (no
    listing, no bidding) and the team is told.  Refused with the reason —
    and nothing written — for a declaration not cleared, withdrawn or out of
    its period, or taken by the same organization whose deal is still open.
    The declaration's row is locked, so two notices at once make one deal."""
    with transaction.atomic():
        declaration = _locked(declaration_id)
        if by is not None and not declaration_is_listed_to(
            user=by, declaration=declaration
        ):
            raise LicenceError(_("该开放许可声明不存在或尚未公开。"))
        if by is not None and organization.pk not in licensee_orgs(by, declaration):
            raise LicenceError(
                _("只有经批准的投资方或需求方单位可以取得开放许可（专利权人除外）。")
            )
        problem = licence_problem(
            declaration=declaration,
            organization_id=organization.pk,
            today=timezone.localdate(),
        )
        if problem:
            raise LicenceError(problem)
        text = notice_text(declaration=declaration, organization=organization)
        try:
            deal = deal_create(
                by=by,
                note=text,
                achievement=declaration.achievement,
                counterparty=organization,
                counterparty_contact=actor(by),
                transfer_mode=TransferMode.OPEN_LICENCE,
                path=DealPath.LICENCE,
                asking_amount=declaration.fee_amount,
                licence_kind=LicenceKind.NON_EXCLUSIVE,
                licence_territory=declaration.territory,
                licence_ends=declaration.ends,
                licence_fee=declaration.fee_mode,
                royalty_rate=declaration.royalty_rate,
                # The team's one message is the written notice (below).
                announce=False,
            )
        except DealError as exc:
            raise LicenceError(str(exc)) from exc
        notice = LicenceNotice.objects.create(
            declaration=declaration,
            organization=organization,
            deal=deal,
            text=text,
            sent_by=actor(by),
            sent_at=timezone.now(),
        )
        _tell_team(notice)
    return notice


def _tell_team(notice: LicenceNotice) -> None:
    """The owner's team learns of the notice (written in the same
    transaction; mailing sends it once it commits)."""
    declaration = notice.declaration
    achievement = declaration.achievement
    to = set(team_emails(organization_id=achievement.owner_id))
    if achievement.contact_email:
        to.add(achievement.contact_email)
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "tracker:deal", args=[notice.deal_id]
    )
    facts = {
        "licensee": notice.organization.name,
        "title": declaration.patent_title,
        "number": declaration.patent_number,
        "sent": timezone.localtime(notice.sent_at).strftime("%Y-%m-%d %H:%M"),
        "link": link,
    }
    subject = _("开放许可已被取得：%(title)s（%(number)s）") % facts
    body = (
        _(
            "您好！\n\n%(licensee)s于 %(sent)s 发出书面通知，按贵单位公开的开放许可"
            "条件取得“%(title)s”（专利号 %(number)s）的许可。\n\n"
            "已为此登记成果转化项目（许可路径），请在平台上跟进许可使用费的支付"
            "和被许可人的报告：\n%(link)s\n\n书面通知全文：\n"
        )
        % facts
    )
    email_send(
        to=sorted(to),
        subject=subject,
        body=body + notice.text + "\n\n" + SIGNATURE,
        key=f"open-licence-notice:{notice.pk}",
    )
