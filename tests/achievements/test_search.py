"""Chinese full-text search on SQLite and PostgreSQL (the same tests run on both)."""

import pytest

from achievements.models import Achievement
from achievements.search import bigram_document, normalize, terms_of
from achievements.selectors import CatalogueFilters, catalogue_search
from tests.factories import make_achievement

TITLES = [
    "专用碳纤维复合材料研发",
    "玉米基因组设计育种",
    "高性能锂电池正极材料",
    "5G 通信芯片设计",
    "水稻分子育种技术",
]


@pytest.fixture
def corpus(roles):
    _users, orgs = roles
    return {t: make_achievement(owner=orgs["owner"], title=t) for t in TITLES}


def _search(q, user=None):
    from django.contrib.auth.models import AnonymousUser

    qs = catalogue_search(user=user or AnonymousUser(), filters=CatalogueFilters(q=q))
    return {a.title for a in qs}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("碳纤维", {"专用碳纤维复合材料研发"}),
        ("育种", {"玉米基因组设计育种", "水稻分子育种技术"}),
        ("玉米 育种", {"玉米基因组设计育种"}),
        ("复合材料研发", {"专用碳纤维复合材料研发"}),
        ("材料", {"专用碳纤维复合材料研发", "高性能锂电池正极材料"}),
        ("５Ｇ", {"5G 通信芯片设计"}),  # full-width input
        ("5g", {"5G 通信芯片设计"}),
        ("稻", {"水稻分子育种技术"}),  # one character: substring path
        ("纤维碳", set()),  # bigrams all present elsewhere? no: order matters
        ("量子计算", set()),
    ],
)
def test_search_finds_substrings(corpus, query, expected):
    assert _search(query) == expected


def test_search_matches_plain_substring_scan(corpus):
    everything = list(Achievement.objects.all())
    for title in TITLES:
        for size in (2, 3, 4):
            for start in range(0, len(title) - size + 1):
                term = normalize(title[start : start + size])
                if not term.strip() or len(terms_of(term)) != 1:
                    continue
                expected = {a.title for a in everything if term in a.search_text}
                assert _search(term) == expected, term


def test_search_ignores_query_syntax(corpus):
    for hostile in ['"', "碳纤维 OR 育种", "NEAR(碳纤)", "' or 1=1 --", "%", "_", "*"]:
        _search(hostile)  # must not raise
    assert _search("碳纤维 OR 育种") == set()


def test_search_index_follows_updates(corpus):
    a = corpus["高性能锂电池正极材料"]
    a.title = "高性能钠离子电池正极材料"
    a.save()
    assert _search("钠离子") == {"高性能钠离子电池正极材料"}
    assert _search("锂电池") == set()
    a.delete()
    assert _search("钠离子") == set()


def test_bigram_document_is_deduplicated_and_normalized():
    assert bigram_document("ＡＢ碳纤维，碳纤") == "ab b碳 碳纤 纤维"


def test_filters_combine_with_search(corpus):
    from django.contrib.auth.models import AnonymousUser

    qs = catalogue_search(
        user=AnonymousUser(),
        filters=CatalogueFilters(
            q="育种", trl_min=6, trl_max=6, field="new-materials", mode="assignment"
        ),
    )
    assert {a.title for a in qs} == {"玉米基因组设计育种", "水稻分子育种技术"}
    qs = catalogue_search(
        user=AnonymousUser(), filters=CatalogueFilters(q="育种", trl_min=7)
    )
    assert list(qs) == []


def test_catalogue_page_facets_and_search(client, corpus):
    html = client.get("/achievements/", {"q": "育种"}).content.decode()
    assert "玉米基因组设计<mark>育种</mark>" in html and "碳纤维" not in html
    assert "共 2 项成果" in html


def test_full_text_triggers_survive_all_migrations(db, vendor):
    """SQLite drops a table's triggers when a migration rebuilds it."""
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'achievements_achievement' ORDER BY name"
            )
            assert [r[0] for r in cursor.fetchall()] == [
                "achievements_achievement_fts_ad",
                "achievements_achievement_fts_ai",
                "achievements_achievement_fts_au",
            ]
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname = 'achievement_bigrams_gin'"
            )
            assert cursor.fetchall() == [("achievement_bigrams_gin",)]


@pytest.fixture
def levels(roles):
    _users, orgs = roles
    for level in (3, 5, 6, 8):
        make_achievement(owner=orgs["owner"], title=f"成熟度{level}的成果", trl=level)


def _titles(html):
    return sorted(t for t in ("成熟度3", "成熟度5", "成熟度6", "成熟度8") if t in html)


def test_catalogue_trl_range_includes_both_ends(client, levels):
    html = client.get("/achievements/", {"trl_min": 5, "trl_max": 6}).content.decode()
    assert _titles(html) == ["成熟度5", "成熟度6"]
    assert '<option value="5" selected>TRL 5 (1)</option>' in html
    assert '<option value="6" selected>TRL 6 (1)</option>' in html


def test_catalogue_trl_range_open_end_and_reversed_ends(client, levels):
    html = client.get("/achievements/", {"trl_min": 6}).content.decode()
    assert _titles(html) == ["成熟度6", "成熟度8"]
    html = client.get("/achievements/", {"trl_min": 8, "trl_max": 5}).content.decode()
    assert _titles(html) == ["成熟度5", "成熟度6", "成熟度8"]


def test_catalogue_old_single_trl_url_still_filters_one_level(client, levels):
    html = client.get("/achievements/", {"trl": 5}).content.decode()
    assert _titles(html) == ["成熟度5"]
    assert "已选 1 项" in html


def test_catalogue_highlights_search_terms_escaped(client, roles):
    _users, orgs = roles
    make_achievement(
        owner=orgs["owner"],
        title="<b>碳纤维</b> Carbon 材料",
        summary="专用ＣＡＲＢＯＮ碳纤维 & 复合",
    )
    html = client.get("/achievements/", {"q": "碳纤维 carbon"}).content.decode()
    assert "&lt;b&gt;<mark>碳纤维</mark>&lt;/b&gt; <mark>Carbon</mark> 材料" in html
    assert "专用<mark>ＣＡＲＢＯＮ碳纤维</mark> &amp; 复合" in html
    assert "<b>" not in html


def test_highlight_without_query_only_escapes():
    from achievements.templatetags.catalogue import highlight

    assert highlight("<i>育种</i>", "") == "&lt;i&gt;育种&lt;/i&gt;"
    assert highlight("a<b", "b") == "a&lt;<mark>b</mark>"
