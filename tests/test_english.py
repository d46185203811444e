"""English coverage: every page of the walk (public pages, each role's
workspace, the live room, deals, the dashboard, the organizers' inbox) read
in English shows no Chinese outside the records people typed in.

The walk is the confidentiality walk's (its data set and paths). Records
people typed in (titles, names, summaries, questions) are Chinese there, so
a Chinese run of the page is allowed when it is one of theirs, or the start
of one (a summary cut to its first characters). What remains — an
untranslated label, a full-width comma in English text — fails the test.
"""

import json
import re
from urllib.parse import parse_qsl, urlsplit

from django.apps import apps
from django.db import models
from django.test import Client

from tests.test_confidentiality import ROUTES, world  # noqa: F401 - the fixture

# Han characters, CJK punctuation (、。「」【】…) and full-width forms (，：（）).
CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
# The language switcher names Chinese in Chinese.
ALLOWED = {"简体中文"}
# Reference tables whose names a page must show in the reader's language.
REFERENCE = {
    "achievements.IndustryField",
    "achievements.Province",
    "achievements.AgriTechField",
    "achievements.AgriIndustry",
    "achievements.AgriScenario",
}
ROLES = [
    "anonymous",
    "team",
    "investor",
    "pending_investor",
    "enterprise",
    "reviewer",
    "organizer",
]


def _typed_runs() -> set[str]:
    """Every Chinese run in a text column of a record people made."""
    runs: set[str] = set()
    for model in apps.get_models():
        if model._meta.label in REFERENCE:
            continue
        columns = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not columns:
            continue
        for row in model.objects.values_list(*columns):
            for value in row:
                if value:
                    runs.update(CJK_RUN.findall(json.dumps(value, ensure_ascii=False)))
    # The section pages' headings have English ones: theirs are not excused.
    # (The site's own name, which editors give it in Wagtail, stays excused.)
    from wagtail.models import Site

    from cms.models import CaseIndexPage, HomePage, RoadshowIndexPage

    for model in (HomePage, RoadshowIndexPage, CaseIndexPage):
        for title, intro in model.objects.values_list("title", "intro"):
            runs -= set(CJK_RUN.findall(title + intro))
    for name in Site.objects.values_list("site_name", flat=True):
        runs |= set(CJK_RUN.findall(name))
    return runs


def untranslated(html: str, typed: set[str], *, searched: bool = False) -> set[str]:
    """Chinese runs of html that are not typed records (or their starts).

    On a search's results the terms are marked, which cuts a record's run
    anywhere: there any piece of a typed run is the record's."""
    found = set()
    for run in CJK_RUN.findall(html):
        if run in ALLOWED or run in typed:
            continue
        if any((run in t) if searched else t.startswith(run) for t in typed):
            continue
        found.add(run)
    return found


def test_every_page_in_english_has_no_chinese_of_ours(world):  # noqa: F811
    # The paths first: some routes make their records when asked (an
    # invitation and its link), and those records are typed ones too.
    walk = [path for paths in ROUTES.values() for path in paths(world)]
    typed = _typed_runs()
    problems: dict[str, set[str]] = {}
    pages = 0
    for who in ROLES:
        client = Client()
        client.cookies["django_language"] = "en"
        if who != "anonymous":
            client.force_login(world["users"][who])
        for path in walk:
            response = client.get(path)
            if getattr(response, "streaming", False):
                continue
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            pages += 1
            query = dict(parse_qsl(urlsplit(path).query))
            asked = set(CJK_RUN.findall(" ".join(query.values())))
            for run in untranslated(
                response.content.decode(),
                typed | asked,
                searched=bool(asked),
            ):
                problems.setdefault(run, set()).add(f"{who} {path}")
    report = "\n".join(
        f"{run!r}: {', '.join(sorted(paths)[:4])}"
        for run, paths in sorted(problems.items())
    )
    assert problems == {}, report
    assert pages > 500


def test_the_check_sees_an_untranslated_label():
    assert untranslated("<p>Deals 典型案例</p>", {"甲大学"}) == {"典型案例"}
    assert untranslated("<p>Owner: 甲大学 · 甲大…</p>", {"甲大学"}) == set()
    assert untranslated("<p>Done，thanks</p>", set()) == {"，"}
