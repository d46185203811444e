"""Chinese full-text search that works on SQLite and PostgreSQL.

Neither database segments Chinese, so every searchable text is indexed as its
character bigrams (each 2-character window becomes one token).  A query term
of 2+ characters becomes the AND of its bigrams — answered by an FTS5 table on
SQLite and a GIN index over ``to_tsvector('simple', search_bigrams)`` on
PostgreSQL — and is then rechecked with a substring match on the normalized
text, so the result is exactly the rows that contain the term.  A 1-character
term is a substring match alone.
"""

import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

_RUN = re.compile(r"[^\W_]+")
MAX_TERMS = 8


def normalize(text: str) -> str:
    """Full-width to half-width, case-folded: what is stored and what is matched."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def terms_of(query: str) -> list[str]:
    """The query's terms: runs of letters and digits, at most MAX_TERMS."""
    seen: list[str] = []
    for run in _RUN.findall(normalize(query)):
        if run not in seen:
            seen.append(run)
    return seen[:MAX_TERMS]


def bigrams_of_run(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def bigram_document(text: str) -> str:
    """The space-separated bigrams of every run in text, each once."""
    tokens = dict.fromkeys(
        token for run in _RUN.findall(normalize(text)) for token in bigrams_of_run(run)
    )
    return " ".join(tokens)


def filter_by_text(
    queryset: QuerySet, query: str, *, table: str, text_field: str = "search_text"
) -> QuerySet:
    """Rows of queryset whose normalized text contains every term of query."""
    terms = terms_of(query)
    if not terms:
        return queryset
    vendor = connection.vendor
    for index, term in enumerate(terms):
        if len(term) >= 2:
            tokens = bigrams_of_run(term)
            if vendor == "postgresql":
                # On the row itself (no self-join): the GIN expression index.
                matches = RawSQL(
                    f"to_tsvector('simple'::regconfig, {table}.search_bigrams) "
                    "@@ plainto_tsquery('simple'::regconfig, %s)",
                    [" ".join(tokens)],
                    output_field=BooleanField(),
                )
                queryset = queryset.alias(**{f"_fts{index}": matches})
                queryset = queryset.filter(**{f"_fts{index}": True})
            elif vendor == "sqlite":
                match = " AND ".join(f'"{token}"' for token in tokens)
                queryset = queryset.filter(
                    pk__in=RawSQL(
                        f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s",  # noqa: S608
                        [match],
                    )
                )
        queryset = queryset.filter(**{f"{text_field}__contains": term})
    return queryset


def bigram_similarity(a: str, b: str) -> float:
    """Dice coefficient of two texts' bigram sets (0..1)."""
    set_a = set(bigram_document(a).split())
    set_b = set(bigram_document(b).split())
    if not set_a or not set_b:
        return 0.0
    return 2 * len(set_a & set_b) / (len(set_a) + len(set_b))


def text_match_sql(table: str, tokens: list[str]) -> tuple[str, list[str]] | None:
    """SQL selecting ids of rows sharing ANY of tokens (for ranking candidates)."""
    tokens = [t for t in tokens if len(t) >= 2]
    if not tokens:
        return None
    if connection.vendor == "postgresql":
        query = " | ".join(f"'{t}'" for t in tokens)
        return (
            f"SELECT id FROM {table} WHERE to_tsvector('simple'::regconfig, "  # noqa: S608
            "search_bigrams) @@ to_tsquery('simple'::regconfig, %s)",
            [query],
        )
    match = " OR ".join(f'"{t}"' for t in tokens)
    return (f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s", [match])  # noqa: S608
