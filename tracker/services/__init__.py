"""The tracker's writes (services): every one takes typed values (Decimal
amounts, dates, model instances; the forms parse what people type) and
checks its own permission through ``accounts.permissions`` (the rules are
in tracker/rules.py).  ``by=None`` is the platform itself (the demo data,
management commands), never a visitor: views pass ``request.user``.

flow.py holds the one table of allowed moves and the moves; disclosure.py
the disclosure's review and objections; settlement.py payments, bids and
financing; checks.py what they share."""

from .checks import (
    MAX_DOCUMENTS,
    TEXT_LIMIT,
    DealError,
    actor,
    check_documents,
)
from .disclosure import disclosure_review, objection_file, objection_resolve
from .flow import (
    ACCEPTED,
    BACK,
    CHOICE_FIELDS,
    DATE_FIELDS,
    MONEY_FIELDS,
    MOVES,
    PATHS_OF_MODE,
    PERCENT_FIELDS,
    REQUIRED,
    achievement_open_for_deals,
    allowed_moves,
    deal_create,
    deal_edit,
    deal_meeting_add,
    deal_move,
    deal_note,
    evaluation_clear,
    fields_of,
    optional_on,
    province_of_organization,
    required_of,
    stages_of,
)
from .settlement import (
    auction_register,
    bid_award,
    bid_place,
    financing_add,
    payment_add,
)

__all__ = [
    "ACCEPTED",
    "BACK",
    "CHOICE_FIELDS",
    "DATE_FIELDS",
    "MAX_DOCUMENTS",
    "MONEY_FIELDS",
    "MOVES",
    "PATHS_OF_MODE",
    "PERCENT_FIELDS",
    "REQUIRED",
    "TEXT_LIMIT",
    "DealError",
    "achievement_open_for_deals",
    "actor",
    "allowed_moves",
    "auction_register",
    "bid_award",
    "bid_place",
    "check_documents",
    "deal_create",
    "deal_edit",
    "deal_move",
    "deal_meeting_add",
    "deal_note",
    "disclosure_review",
    "evaluation_clear",
    "fields_of",
    "optional_on",
    "required_of",
    "stages_of",
    "financing_add",
    "objection_file",
    "objection_resolve",
    "payment_add",
    "province_of_organization",
]
