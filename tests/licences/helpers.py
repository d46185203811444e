import datetime as dt
from decimal import Decimal

from django.utils import timezone

from licences.services import Terms, declaration_review, declaration_submit
from tests.factories import make_achievement

INVENTION = "ZL202110123456.7"
UTILITY = "ZL202120654321.X"


def patented(owner, state="public", **overrides):
    overrides.setdefault("patents", f"{INVENTION}；{UTILITY}")
    return make_achievement(owner=owner, state=state, **overrides)


def terms(**overrides) -> Terms:
    today = timezone.localdate()
    data = {
        "patent_number": INVENTION,
        "patent_title": "一种碳纤维预制体的编织方法",
        "patent_type": "invention",
        "starts": today,
        "ends": today + dt.timedelta(days=730),
        "territory": "中华人民共和国境内",
        "fee_mode": "entry_royalty",
        "fee_amount": Decimal("20"),
        "royalty_rate": Decimal("3"),
        "royalty_base": "许可产品年销售额",
        "fee_note": "入门费于通知后 30 日内支付。",
        "reporting": "每年 1 月报告上一年度的实施情况和销售额。",
    }
    data.update(overrides)
    return Terms(**data)


def declared(achievement, by=None, *, cleared=True, reviewer=None, **overrides):
    declaration = declaration_submit(
        achievement=achievement, terms=terms(**overrides), by=by
    )
    if cleared:
        declaration = declaration_review(
            declaration_id=declaration.pk, by=reviewer, clear=True
        )
    return declaration
