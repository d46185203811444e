"""Demand lists matched against the library (R10)."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from .models import Achievement, Demand
from .search import bigram_document, bigram_similarity, text_match_sql
from .selectors import achievements_visible_to

MAX_CANDIDATES = 400
MAX_QUERY_TOKENS = 60


@dataclass
class Match:
    achievement: Achievement
    score: float
    reasons: list[str] = field(default_factory=list)


def demand_matches(*, demand: Demand, user: Any, limit: int = 10) -> list[Match]:
    """The visible, published achievements that fit a demand best, with reasons."""
    text = f"{demand.title}\n{demand.description}"
    tokens = bigram_document(text).split()[:MAX_QUERY_TOKENS]
    visible = achievements_visible_to(user=user).exclude(publication="none")
    wanted = Q(field_id=demand.field_id) | Q(target_provinces=demand.province_id)
    sql = text_match_sql(Achievement._meta.db_table, tokens)
    if sql is not None:
        wanted |= Q(pk__in=RawSQL(*sql))
    candidates = (
        visible.filter(wanted)
        .distinct()
        .select_related("field", "owner")
        .prefetch_related("target_provinces")
        .order_by("-published_at", "-id")[:MAX_CANDIDATES]
    )
    matches = []
    for achievement in candidates:
        reasons = []
        score = 0.0
        if achievement.field_id == demand.field_id:
            score += 3
            reasons.append(
                _("同属“%(field)s”领域") % {"field": achievement.field.local_name}
            )
        if any(p.pk == demand.province_id for p in achievement.target_provinces.all()):
            score += 2
            reasons.append(
                _("拟在%(province)s转化") % {"province": demand.province.local_name}
            )
        if achievement.trl >= demand.min_trl:
            score += 1 + (achievement.trl - demand.min_trl) * 0.1
            reasons.append(
                _("技术成熟度 TRL %(trl)d，满足需求") % {"trl": achievement.trl}
            )
        else:
            score -= 2
        similarity = bigram_similarity(
            text, f"{achievement.title}\n{achievement.summary}"
        )
        if similarity > 0.05:
            score += 10 * similarity
            reasons.append(_("内容相似度 %(pct)d%%") % {"pct": round(similarity * 100)})
        if demand.budget_max is not None and achievement.price_min is not None:
            if achievement.price_min <= demand.budget_max:
                score += 0.5
                reasons.append(_("意向价格在预算范围内"))
        matches.append(Match(achievement, round(score, 3), reasons))
    matches.sort(key=lambda m: (-m.score, -m.achievement.pk))
    return matches[:limit]
