"""Typical cases written as CMS pages: the tracker drafts a case's public facts
(tracker/cases.py) and asks the writer registered here to make the page."""

from typing import Any

from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.models import actor_of
from tracker.cases import CaseDraft
from tracker.services import DealError

from .models import CaseIndexPage, CasePage


class CmsCaseWriter:
    def case_of(self, deal) -> CasePage | None:
        return CasePage.objects.filter(deal=deal).first()

    def draft(self, *, deal, draft: CaseDraft, by: Any) -> CasePage:
        index = CaseIndexPage.objects.first()
        if index is None:
            raise DealError(_("网站还没有“典型案例”栏目，请先在管理后台创建。"))
        body = []
        for heading, text in draft.sections:
            body.append(("heading", {"text": heading}))
            body.append(("paragraph", f"<p>{escape(text)}</p>"))
        with transaction.atomic():
            page = CasePage(
                title=draft.title,
                slug=f"deal-{deal.pk}",
                summary=draft.summary,
                achievement=deal.achievement,
                deal=deal,
                body=body,
                live=False,
            )
            index.add_child(instance=page)
            page.save_revision(user=actor_of(by))
        return page
