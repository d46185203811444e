"""Template filters for the catalogue's results."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..search import normalize, terms_of

register = template.Library()


def _matched_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where the terms occur in text, as (start, end) indexes of text itself.

    Terms are matched as the search matches them, on the normalized text
    (full-width folded, case-folded); each character's normalized form is
    mapped back to the character, so the marks fall on what the reader sees.
    """
    pieces = [normalize(ch) for ch in text]
    owner: list[int] = []  # index in text of each normalized character
    for index, piece in enumerate(pieces):
        owner.extend([index] * len(piece))
    folded = "".join(pieces)
    marked = [False] * len(text)
    for term in terms:
        start = folded.find(term)
        while start != -1:
            for position in range(start, start + len(term)):
                marked[owner[position]] = True
            start = folded.find(term, start + len(term))
    spans: list[tuple[int, int]] = []
    for index, on in enumerate(marked):
        if not on:
            continue
        if spans and spans[-1][1] == index:
            spans[-1] = (spans[-1][0], index + 1)
        else:
            spans.append((index, index + 1))
    return spans


@register.filter
def highlight(text, query) -> SafeString:
    """text, escaped, with every search term of query in <mark>."""
    text = str(text or "")
    terms = terms_of(str(query or ""))
    if not terms:
        return escape(text)
    out: list[str] = []
    cursor = 0
    for start, end in _matched_spans(text, terms):
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above
