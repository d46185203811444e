"""Typical cases 典型案例 (R11) drafted from landed deals: a CMS page under
the cases index, pre-filled with the deal's public facts, left as a draft
for an organizer to edit and publish."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts import permissions
from achievements.enums import Publication, TransferMode

from .enums import Stage
from .models import Deal
from .selectors import NEUTRAL_TITLE, public_disclosures
from .services import DealError, actor


def case_facts(deal: Deal) -> dict[str, str]:
    """The facts of a landed deal that may be public: those its disclosure
    published, and how it landed.  Nothing from its documents, contacts or
    internal notes."""
    landed_at = deal.stage_entered_at
    shown = public_disclosures([deal])
    return {
        # The title its disclosure showed (the library's only for an
        # achievement published to everyone).
        "title": shown[0].title if shown else str(NEUTRAL_TITLE),
        "owner": deal.achievement.owner.name,
        "counterparty": deal.counterparty.name,
        "mode": str(TransferMode(deal.transfer_mode).label)
        if deal.transfer_mode in TransferMode.values
        else "",
        "amount": f"{deal.agreed_amount:,.2f}" if deal.agreed_amount else "",
        "province": deal.province.local_name if deal.province else "",
        "landed": deal.get_landed_kind_display(),
        "date": landed_at.strftime("%Y-%m-%d") if landed_at else "",
        "roadshow": deal.roadshow.title if deal.roadshow else "",
    }


def case_draft_from_deal(*, deal: Deal, by: Any):
    """The deal's case page: created as a draft the first time, the same
    page afterwards."""
    from cms.models import CaseIndexPage, CasePage

    # Cases are the organizers' to write (``None``: the platform itself).
    if by is not None and not permissions.is_organizer(by):
        raise PermissionDenied
    existing = CasePage.objects.filter(deal=deal).first()
    if existing is not None:
        return existing
    if deal.stage != Stage.LANDED:
        raise DealError(_("项目落地后才能生成典型案例。"))
    index = CaseIndexPage.objects.first()
    if index is None:
        raise DealError(_("网站还没有“典型案例”栏目，请先在管理后台创建。"))
    facts = case_facts(deal)
    summary = (
        _(
            "%(owner)s的“%(title)s”以%(mode)s方式与%(counterparty)s达成合作，"
            "于%(date)s在%(province)s落地（%(landed)s）。"
        )
        % facts
    )
    if facts["roadshow"]:
        summary = (_("经“%(roadshow)s”路演对接，") % facts) + summary
    body = [
        ("heading", {"text": _("成果与团队")}),
        ("paragraph", _paragraph(_achievement_text(deal, facts))),
        ("heading", {"text": _("对接与交易")}),
        ("paragraph", _paragraph(_deal_text(facts))),
        ("heading", {"text": _("落地成效")}),
        ("paragraph", _paragraph(_("（请补充落地成效、带动效益和经验做法。）"))),
    ]
    with transaction.atomic():
        page = CasePage(
            title=_("%(title)s成果转化案例") % facts,
            slug=f"deal-{deal.pk}",
            summary=summary,
            achievement=deal.achievement,
            deal=deal,
            body=body,
            live=False,
        )
        index.add_child(instance=page)
        page.save_revision(user=actor(by))
    return page


def _paragraph(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _achievement_text(deal: Deal, facts: dict[str, str]) -> str:
    achievement = deal.achievement
    text = _("成果名称：%(title)s；持有单位：%(owner)s；产业领域：%(field)s。") % {
        "title": facts["title"],
        "owner": achievement.owner.name,
        "field": achievement.field.local_name,
    }
    # The summary only of an achievement published to everyone.
    if achievement.publication == Publication.PUBLIC:
        text += " " + achievement.summary
    return text


def _deal_text(facts: dict[str, str]) -> str:
    text = _("转化方式：%(mode)s；受让/合作方：%(counterparty)s。") % facts
    if facts["amount"]:
        text += " " + _("成交金额 %(amount)s 万元。") % facts
    return text
