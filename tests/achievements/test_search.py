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
            q="育种", trl=6, field="new-materials", mode="assignment"
        ),
    )
    assert {a.title for a in qs} == {"玉米基因组设计育种", "水稻分子育种技术"}
    qs = catalogue_search(
        user=AnonymousUser(), filters=CatalogueFilters(q="育种", trl=7)
    )
    assert list(qs) == []


def test_catalogue_page_facets_and_search(client, corpus):
    html = client.get("/achievements/", {"q": "育种"}).content.decode()
    assert "玉米基因组设计育种" in html and "碳纤维" not in html
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
