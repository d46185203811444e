"""Typical cases 典型案例 (R11) drafted from landed deals: pre-filled with the
deal's public facts and left as a draft for an organizer to edit and publish.
The page itself is the CMS's (cms/cases.py), which registers its writer here."""

from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts import permissions
from achievements.enums import TransferMode
from achievements.selectors import achievement_is_public

from .enums import Stage
from .models import Deal
from .selectors import NEUTRAL_TITLE, public_disclosures
from .services import DealError


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


@dataclass(frozen=True)
class CaseDraft:
    """What a typical case starts with: only the deal's public facts."""

    title: str
    summary: str
    # (heading, paragraph text) in order; plain text, never markup.
    sections: list[tuple[str, str]]


class CaseWriter(Protocol):
    """Where cases are written (the CMS registers itself in its app config:
    the tracker never imports the CMS)."""

    def case_of(self, deal: Deal) -> Any | None: ...

    def draft(self, *, deal: Deal, draft: CaseDraft, by: Any) -> Any: ...


_writers: list[CaseWriter] = []


def case_writer_register(writer: CaseWriter) -> None:
    _writers[:] = [writer]


def case_of(deal: Deal) -> Any | None:
    """The deal's case page, if one was drafted."""
    return _writers[0].case_of(deal) if _writers else None


def case_draft_from_deal(*, deal: Deal, by: Any):
    """The deal's case page: created as a draft the first time, the same
    page afterwards."""
    # Cases are the organizers' to write (``None``: the platform itself).
    if by is not None and not permissions.is_organizer(by):
        raise PermissionDenied
    if not _writers:
        raise DealError(_("网站还没有“典型案例”栏目，请先在管理后台创建。"))
    existing = case_of(deal)
    if existing is not None:
        return existing
    if deal.stage != Stage.LANDED:
        raise DealError(_("项目落地后才能生成典型案例。"))
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
    draft = CaseDraft(
        title=_("%(title)s成果转化案例") % facts,
        summary=summary,
        sections=[
            (_("成果与团队"), _achievement_text(deal, facts)),
            (_("对接与交易"), _deal_text(facts)),
            (_("落地成效"), _("（请补充落地成效、带动效益和经验做法。）")),
        ],
    )
    return _writers[0].draft(deal=deal, draft=draft, by=by)


def _achievement_text(deal: Deal, facts: dict[str, str]) -> str:
    achievement = deal.achievement
    text = _("成果名称：%(title)s；持有单位：%(owner)s；产业领域：%(field)s。") % {
        "title": facts["title"],
        "owner": achievement.owner.name,
        "field": achievement.field.local_name,
    }
    # The summary only of an achievement published to everyone.
    if achievement_is_public(achievement=achievement):
        text += " " + achievement.summary
    return text


def _deal_text(facts: dict[str, str]) -> str:
    text = _("转化方式：%(mode)s；受让/合作方：%(counterparty)s。") % facts
    if facts["amount"]:
        text += " " + _("成交金额 %(amount)s 万元。") % facts
    return text
