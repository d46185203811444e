"""Demand lists matched against the library both ways (R10, seeds/004 三.1).

One scoring, on a stated scale of 0–100, for a demand (技术需求 or 应用场景)
and an achievement, read either way: a demand's page lists the achievements
that fit it; a team sees, for each of its achievements, the demands it
answers (``matchmaking.recommend`` reads it from here).  Points:

- the same industry field 产业领域: **25**
- keywords 关键词: up to **45** — the demand's key character bigrams (the
  catalogue's search machinery: Chinese is not segmented, each 2-character
  window is a token) found in the achievement's title, keywords, summary and
  market.  The demand's title counts for 30 (the share of its key bigrams
  found; found only in the summary counts 0.7), its description for 15 (8
  key bigrams beyond the title's fill it).  Bigrams of no meaning on their
  own (技术, 需求, 企业 …) and those astride a function word (的, 和 …) are
  left out.  The reason names the shared terms, as long as they run in both
  texts ("钠离子电池、正极材料").
- technology readiness 技术成熟度 at least the demand's minimum: **15** (one
  level below: 5; further below is never a match)
- the demand's province among the achievement's target regions
  拟重点转化区域 (a scenario's province likewise): **10**
- asking price within the budget: **5**

A match needs ``MIN_SCORE`` (40): the same field and the required TRL alone
qualify; outside the field, only with keywords worth ``MIN_KEYWORDS_ELSEWHERE``
(15, half the title's) or more.  Each match
carries its reasons, in words, with their points.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .enums import DemandStatus
from .models import Achievement, Demand
from .search import _RUN, normalize, text_match_sql
from .selectors import achievements_published_visible_to

W_FIELD = 25
W_TITLE = 30
W_DESCRIPTION = 15
W_TRL = 15
W_TRL_NEAR = 5
W_REGION = 10
W_BUDGET = 5
MAX_SCORE = W_FIELD + W_TITLE + W_DESCRIPTION + W_TRL + W_REGION + W_BUDGET
MIN_SCORE = 40
MIN_KEYWORDS_ELSEWHERE = 15
# A match only in the achievement's summary or market counts this much of
# one in its title or keywords.
SUMMARY_WEIGHT = 0.7
# Description bigrams beyond the title's that make the description's share full.
DESCRIPTION_FULL = 8
MAX_TERMS = 5

# How many rows are scored at most: achievements sharing the demand's key
# bigrams first (newest first), then others of its field.
MAX_TEXT_CANDIDATES = 400
MAX_FIELD_CANDIDATES = 200
MAX_QUERY_TOKENS = 60
# Published demands scored for a team's achievements, newest first.
MAX_DEMANDS = 2000

# Words that say nothing about what a demand is about.
STOP_WORDS = set(
    """
    技术 研究 研发 开发 需要 需求 寻求 征集 提供 企业 公司 单位 应用 产品 产业
    合作 项目 要求 实现 相关 提高 提升 降低 成本 生产 我们 可以 进行 具有 能够
    以及 通过 用于 解决 问题 主要 国内 国外 方法 关键 核心 领域 市场 规模 发展
    建设 推广 成果 转化 示范 平台 能力 目前 现有 具备 希望 面向 场景 支持 服务
    国产 进口 替代 方面 一种 基于 包括 形成 开展 引进 落地 开放 城市 地区 全国
    新型 高效 高性能 性能 效率 优化 创新 先进 重点 工程 水平 质量 及其 其中 已经
    制造 制备 工艺
    """.split()
)
STOP_BIGRAMS = {
    word[i : i + 2] for word in STOP_WORDS for i in range(len(word) - 1)
} | {"高性", "新型"}
# Function characters: a bigram astride one is not a term.
FUNCTION_CHARS = set("的了和与及或是为对等并将其于以之而在也")


_FUNCTION_SPLIT = re.compile("[" + "".join(sorted(FUNCTION_CHARS)) + "]")


def _key_bigrams(text: str) -> list[str]:
    """The text's bigrams that may mean something, in order, each once."""
    seen: dict[str, None] = {}
    for run in _RUN.findall(normalize(text)):
        for i in range(len(run) - 1):
            token = run[i : i + 2]
            if _is_key(token):
                seen.setdefault(token)
    return list(seen)


def _is_key(token: str) -> bool:
    if token in STOP_BIGRAMS or FUNCTION_CHARS & set(token):
        return False
    # Two digits or two Latin letters alone are noise ("20", "mw").
    return not (token.isascii() and len(token) == 2 and not token.isalpha())


def _bigram_set(text: str) -> set[str]:
    return {
        run[i : i + 2]
        for run in _RUN.findall(normalize(text))
        for i in range(len(run) - 1)
    }


@dataclass(frozen=True)
class DemandSide:
    """What of a demand the scoring reads, prepared once."""

    field_id: int
    province_id: int
    min_trl: int
    budget_max: Decimal | None
    text: str
    title_keys: tuple[str, ...]
    description_keys: tuple[str, ...]
    # The title cut at punctuation and function characters.
    title_segments: tuple[str, ...] = ()

    @classmethod
    def of(cls, demand: Demand) -> "DemandSide":
        title_keys = _key_bigrams(demand.title)
        description_keys = [
            b for b in _key_bigrams(demand.description) if b not in title_keys
        ]
        return cls(
            field_id=demand.field_id,
            province_id=demand.province_id,
            min_trl=demand.min_trl,
            budget_max=demand.budget_max,
            text=normalize(f"{demand.title}\n{demand.description}"),
            title_keys=tuple(title_keys),
            description_keys=tuple(description_keys),
            title_segments=tuple(
                part
                for run in _RUN.findall(normalize(demand.title))
                for part in _FUNCTION_SPLIT.split(run)
                if part
            ),
        )


@dataclass(frozen=True)
class AchievementSide:
    """What of an achievement the scoring reads, prepared once."""

    field_id: int
    trl: int
    province_ids: frozenset[int]
    price_min: Decimal | None
    head: str  # title and keywords, normalized
    body: str  # summary and market, normalized
    head_bigrams: frozenset[str]
    body_bigrams: frozenset[str]
    # The keywords as the team wrote them: words a person segmented.
    keyword_items: tuple[str, ...] = ()

    @classmethod
    def of(cls, achievement: Achievement) -> "AchievementSide":
        head = normalize(f"{achievement.title}\n{achievement.keywords}")
        body = normalize(f"{achievement.summary}\n{achievement.market_demand}")
        return cls(
            keyword_items=tuple(_RUN.findall(normalize(achievement.keywords))),
            field_id=achievement.field_id,
            trl=achievement.trl,
            province_ids=frozenset(p.pk for p in achievement.target_provinces.all()),
            price_min=achievement.price_min,
            head=head,
            body=body,
            head_bigrams=frozenset(_bigram_set(head)),
            body_bigrams=frozenset(_bigram_set(body)),
        )


@dataclass
class Fit:
    """A demand and an achievement: the score (0–100) and its reasons."""

    score: int
    parts: list[tuple[str, int]] = field(default_factory=list)
    same_field: bool = False
    keyword_points: int = 0
    # Readiness more than one level below the demand's minimum.
    too_early: bool = False

    @property
    def qualifies(self) -> bool:
        return (
            self.score >= MIN_SCORE
            and not self.too_early
            and (self.same_field or self.keyword_points >= MIN_KEYWORDS_ELSEWHERE)
        )

    @property
    def reasons(self) -> list[str]:
        return [text for text, _points in self.parts]

    @property
    def reason_text(self) -> str:
        return " · ".join(self.reasons)


def _found(token: str, side: AchievementSide) -> float:
    if token in side.head_bigrams:
        return 1.0
    if token in side.body_bigrams:
        return SUMMARY_WEIGHT
    return 0.0


def _word_like(term: str, words: Iterable[str]) -> bool:
    """A 2-character run is shown only where a person wrote it as a word, or
    at the edge of one ("电池" of "太阳能电池"): astride two words ("能电" of
    "储能电芯") it would mean nothing."""
    return any(w == term or w.startswith(term) or w.endswith(term) for w in words)


def shared_terms(
    demand_text: str, side: AchievementSide, *, words: Iterable[str] = ()
) -> list[str]:
    """The longest runs of the demand's text that the achievement's text holds
    too, made of key bigrams, longest first (for the reason, not the score);
    a 2-character run only if word-like (the achievement's keywords and
    ``words``, e.g. the demand title's segments)."""
    words = [*side.keyword_items, *words]
    haystack = f"{side.head}\n{side.body}"
    terms: dict[str, None] = {}
    for run in _RUN.findall(demand_text):
        i = 0
        while i < len(run) - 1:
            # Never from the middle of a stop word ("造技术" of "制造技术").
            inside = i > 0 and run[i - 1 : i + 1] in STOP_BIGRAMS
            if inside or not _is_key(run[i : i + 2]) or run[i : i + 2] not in haystack:
                i += 1
                continue
            end = i + 2
            # A term may run on through a stop word ("电芯制造技术"), not
            # through a function character.
            while (
                end < len(run)
                and run[end] not in FUNCTION_CHARS
                and run[i : end + 1] in haystack
            ):
                end += 1
            terms.setdefault(run[i:end])
            i = end
    # A term inside a longer one says nothing more.
    found = sorted(terms, key=lambda t: (-len(t), list(terms).index(t)))
    kept: list[str] = []
    for term in found:
        if any(term in longer for longer in kept):
            continue
        if len(term) == 2 and not _word_like(term, words):
            continue
        kept.append(term)
    return kept[:MAX_TERMS]


def fit_of(demand: DemandSide, achievement: AchievementSide, *, names: Any) -> Fit:
    """Score one pair (0–100) and say why.  ``names`` gives the words the
    reasons need: ``field`` (the field's name) and ``province`` (the demand's
    province's name)."""
    fit = Fit(score=0)

    def earn(points: int, text: str) -> None:
        if points > 0:
            fit.score += points
            fit.parts.append((text, points))

    if achievement.field_id == demand.field_id:
        fit.same_field = True
        earn(W_FIELD, _("同一产业领域：%(field)s") % {"field": names.field})
    title = (
        sum(_found(t, achievement) for t in demand.title_keys) / len(demand.title_keys)
        if demand.title_keys
        else 0.0
    )
    described = min(
        1.0,
        sum(_found(t, achievement) for t in demand.description_keys) / DESCRIPTION_FULL,
    )
    keyword_points = round(W_TITLE * title + W_DESCRIPTION * described)
    fit.keyword_points = keyword_points
    if keyword_points:
        terms = shared_terms(demand.text, achievement, words=demand.title_segments)
        earn(
            keyword_points,
            _("关键词：%(terms)s")
            % {"terms": pgettext("punctuation", "、").join(terms)}
            if terms
            else _("描述内容相近"),
        )
    if achievement.trl >= demand.min_trl:
        earn(
            W_TRL,
            _("技术成熟度满足要求（TRL %(trl)d，要求 %(min)d 级以上）")
            % {"trl": achievement.trl, "min": demand.min_trl},
        )
    elif achievement.trl == demand.min_trl - 1:
        earn(
            W_TRL_NEAR,
            _("技术成熟度接近要求（TRL %(trl)d，要求 %(min)d 级以上）")
            % {"trl": achievement.trl, "min": demand.min_trl},
        )
    else:
        fit.too_early = True
    if demand.province_id in achievement.province_ids:
        earn(
            W_REGION,
            _("拟转化区域包含%(province)s") % {"province": names.province},
        )
    if (
        demand.budget_max is not None
        and achievement.price_min is not None
        and achievement.price_min <= demand.budget_max
    ):
        earn(W_BUDGET, _("意向价格在预算范围内"))
    return fit


@dataclass
class Match(Fit):
    """An achievement that fits a demand."""

    achievement: Achievement | None = None


@dataclass
class DemandMatch(Fit):
    """A demand that an achievement answers."""

    demand: Demand | None = None


@dataclass(frozen=True)
class _Names:
    field: str
    province: str


def demand_fit(*, demand: Demand, achievement: Achievement) -> Fit:
    """One pair's score and reasons (for a record of what was shown)."""
    return fit_of(
        DemandSide.of(demand),
        AchievementSide.of(achievement),
        names=_Names(
            field=demand.field.local_name, province=demand.province.local_name
        ),
    )


def _ordered(fits: list, key) -> list:
    fits.sort(key=key)
    return fits


def demand_matches(*, demand: Demand, user: Any, limit: int = 10) -> list[Match]:
    """The achievements this user sees as published that fit a demand best,
    with the score (0–100) and the reasons; never the demand's own
    organization's."""
    side = DemandSide.of(demand)
    visible = achievements_published_visible_to(user=user).exclude(
        owner_id=demand.organization_id
    )
    tokens = [*side.title_keys, *side.description_keys][:MAX_QUERY_TOKENS]
    candidates: dict[int, Achievement] = {}
    sql = text_match_sql(Achievement._meta.db_table, tokens)
    if sql is not None:
        for a in _with_related(visible.filter(pk__in=RawSQL(*sql)))[
            :MAX_TEXT_CANDIDATES
        ]:
            candidates[a.pk] = a
    same_field = visible.filter(field_id=demand.field_id).exclude(
        pk__in=list(candidates)
    )
    for a in _with_related(same_field)[:MAX_FIELD_CANDIDATES]:
        candidates[a.pk] = a
    names = _Names(field=demand.field.local_name, province=demand.province.local_name)
    matches = []
    for a in candidates.values():
        fit = fit_of(side, AchievementSide.of(a), names=names)
        if fit.qualifies:
            matches.append(Match(score=fit.score, parts=fit.parts, achievement=a))
    newest = dt.datetime.min.replace(tzinfo=dt.UTC)
    return _ordered(
        matches,
        key=lambda m: (
            -m.score,
            -(m.achievement.published_at or newest).timestamp(),
            -m.achievement.pk,
        ),
    )[:limit]


def _with_related(queryset: QuerySet[Achievement]) -> QuerySet[Achievement]:
    return (
        queryset.select_related("field", "owner")
        .prefetch_related("target_provinces")
        .order_by("-published_at", "-id")
    )


def open_demands() -> QuerySet[Demand]:
    """Published demands whose deadline has not passed."""
    return Demand.objects.filter(status=DemandStatus.PUBLISHED).filter(
        Q(deadline__isnull=True) | Q(deadline__gte=timezone.localdate())
    )


def demands_matching(
    *, achievements: Iterable[Achievement], limit: int = 10
) -> dict[int, list[DemandMatch]]:
    """For each achievement, the open published demands it answers best (not
    its own organization's), with the score and reasons: the same scoring
    read the other way.  The demands are read and prepared once for all."""
    achievements = list(achievements)
    if not achievements:
        return {}
    demands = list(
        open_demands()
        .select_related("organization", "field", "province")
        .order_by("-created_at", "-id")[:MAX_DEMANDS]
    )
    prepared = [(d, DemandSide.of(d)) for d in demands]
    result: dict[int, list[DemandMatch]] = {}
    for a in achievements:
        side = AchievementSide.of(a)
        found = []
        for d, demand_side in prepared:
            if d.organization_id == a.owner_id:
                continue
            # Cheap first: outside the field, only shared key bigrams can fit.
            if d.field_id != a.field_id and not any(
                t in side.head_bigrams or t in side.body_bigrams
                for t in (*demand_side.title_keys, *demand_side.description_keys)
            ):
                continue
            names = _Names(field=d.field.local_name, province=d.province.local_name)
            fit = fit_of(demand_side, side, names=names)
            if fit.qualifies:
                found.append(DemandMatch(score=fit.score, parts=fit.parts, demand=d))
        result[a.pk] = _ordered(
            found, key=lambda m: (-m.score, -m.demand.created_at.timestamp())
        )[:limit]
    return result
