"""What every write of the deal flow shares: its error, who it names,
the permission it asks, the deal locked, typed values checked against what
the record keeps, and the documents that go with it."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import actor_of
from accounts.permissions import user_can
from uploads import CheckedFile, UploadRefused, check_attachment

from ..models import Deal, DealDocument, DealMove

MAX_DOCUMENTS = 5
# The longest free text (notes, evidence, resolutions) in characters.
TEXT_LIMIT = 4000


class DealError(Exception):
    """A move or write that is not allowed; the message is for the user."""


# Who a record names as having done it: a person, or nobody for the platform
# itself (and for an anonymous visitor).
actor = actor_of


def require(by: Any, action: str, obj: Any) -> None:
    """The permission of a write, asked of accounts.permissions (the rules
    are in tracker/rules.py); ``None`` is the platform itself."""
    if by is not None and not user_can(by, action, obj):
        raise PermissionDenied


def handled_by_office(deal: Deal, by: Any) -> list[str]:
    """When a technology manager acts on a deal for the achievement's owner
    (through a delegation), their transfer office becomes the deal's
    handling office, once: the fields set, for the caller to save."""
    if deal.office_id is not None or by is None:
        return []
    office = permissions.acting_office_id(by, deal.achievement.owner_id)
    if office is None:
        return []
    deal.office_id = office
    deal.manager = by
    return ["office", "manager"]


def locked_deal(deal_id: int) -> Deal:
    """The deal, locked for the rest of the transaction."""
    deal = (
        Deal.objects.select_for_update()
        .filter(pk=deal_id)
        .select_related("achievement")
        .first()
    )
    if deal is None:
        raise DealError(_("项目不存在。"))
    return deal


def checked_amount(value: Decimal | int | None) -> Decimal | None:
    """An amount as the flow keeps it: the forms parsed it; never negative
    (the database's constraints say so too)."""
    if value is None:
        return None
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise TypeError(f"an amount is a Decimal, not {type(value).__name__}")
    amount = Decimal(value)
    if amount < 0:
        raise DealError(_("金额不能为负数。"))
    return amount


def checked_percent(value: Decimal | int | None, *, label: Any) -> Decimal | None:
    """A share or rate in per cent: above 0, at most 100."""
    if value is None:
        return None
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise TypeError(f"a percentage is a Decimal, not {type(value).__name__}")
    share = Decimal(value)
    if not 0 < share <= 100:
        raise DealError(_("“%(field)s”应大于 0、不超过 100。") % {"field": label})
    return share


def checked_text(value: str | None, *, limit: int, label: Any = None) -> str:
    """Free text as typed: trimmed, no NUL (the database refuses it), not
    longer than its column or ``limit``."""
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        raise DealError(_("内容包含无效字符。"))
    if len(text) > limit:
        if label:
            raise DealError(
                _("“%(field)s”不能超过 %(n)d 个字。") % {"field": label, "n": limit}
            )
        raise DealError(_("内容过长。"))
    return text


def check_documents(uploads: Iterable[Any]) -> list[CheckedFile]:
    """Uploaded documents checked by their content (the rules of pitch
    materials: a PDF that parses, without scripts, or an image that opens
    and is re-encoded), all before anything is written."""
    uploads = [u for u in uploads if u is not None]
    if len(uploads) > MAX_DOCUMENTS:
        raise UploadRefused(_("一次最多上传 %(n)d 个文件。") % {"n": MAX_DOCUMENTS})
    return [check_attachment(upload) for upload in uploads]


def attach_documents(
    deal: Deal, entry: DealMove | None, documents, by: Any
) -> list[DealDocument]:
    return [
        DealDocument.objects.create(
            deal=deal,
            move=entry,
            title=checked.original_name,
            file=checked.content,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=actor(by),
        )
        for checked in documents
    ]
