"""The demo's typical cases: drafted from its most recently landed deals the
way an organizer does it (tracker.cases), the landing written in from the
deal's public facts, then published — so /cases/ and the home page show
them."""

from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.rich_text import RichText

from accounts.models import User
from tracker.cases import case_draft_from_deal, case_facts
from tracker.selectors import landed_public

from .models import CaseIndexPage

CASES = 6


def seed_cases(*, count: int = CASES) -> int:
    """Publish up to ``count`` cases; safe to run again (a deal has one case,
    a published one is left alone)."""
    organizer = User.objects.filter(username="organizer").first()
    if organizer is None or not CaseIndexPage.objects.exists():
        return 0
    published = 0
    # The most recently landed is published last: the index shows it first.
    for deal in reversed(list(landed_public()[:count])):
        page = case_draft_from_deal(deal=deal, by=organizer)
        if page.live:
            continue
        draft = page.get_latest_revision_as_object()
        draft.body = _with_landing(draft.body, deal)
        draft.save_revision(user=organizer).publish(user=organizer)
        published += 1
    return published


def _with_landing(body, deal) -> list:
    """The body with the 落地成效 section written from the deal's public
    facts instead of the editor's reminder to write it."""
    # Only the deal's public facts: its landing notes are the parties' own.
    text = _("%(counterparty)s于%(date)s在%(province)s完成落地转化（%(landed)s）。") % (
        case_facts(deal)
    )
    blocks = [(block.block_type, block.value) for block in body]
    for i, (kind, value) in enumerate(blocks):
        if kind == "heading" and value["text"] == _("落地成效"):
            blocks[i + 1] = ("paragraph", RichText(f"<p>{escape(text)}</p>"))
    return blocks
