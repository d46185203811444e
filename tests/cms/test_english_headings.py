"""The section pages' headings in the reader's language (#17)."""

import re

import pytest

from cms.models import CaseIndexPage, HomePage


def _h1(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1).strip()


@pytest.mark.parametrize(
    ("path", "chinese", "english"),
    [
        ("/", "科技成果路演平台", "Technology Roadshow Platform"),
        ("/roadshows/", "路演", "Roadshows"),
        ("/cases/", "典型案例", "Typical cases"),
    ],
)
def test_section_page_heading_follows_the_language(client, db, path, chinese, english):
    assert _h1(client.get(path).content.decode()) == chinese
    client.cookies["django_language"] = "en"
    assert _h1(client.get(path).content.decode()) == english


def test_english_intro_shown_in_english_only(client, db):
    html = client.get("/", headers={"cookie": "django_language=en"}).content.decode()
    assert "a roadshow every month for each industry field" in html
    assert "汇聚国家科技计划成果" not in html
    assert "汇聚国家科技计划成果" in client.get("/").content.decode()


def test_empty_english_heading_falls_back_to_the_chinese(client, db):
    CaseIndexPage.objects.update(title_en="", intro_en="")
    HomePage.objects.update(title="平台首页")
    client.cookies["django_language"] = "en"
    assert _h1(client.get("/cases/").content.decode()) == "典型案例"
    # An edited Chinese title keeps its English one: editors change both.
    assert _h1(client.get("/").content.decode()) == "Technology Roadshow Platform"
