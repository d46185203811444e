"""Issue 19's call for pitches end to end in Chromium: an organizer opens a
call; two teams apply; two reviewers score it anonymised (no institution on
their pages); the organizer accepts one, the programme gets its slot, and
the declined team gets its email with the reason."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from accounts.enums import OrganizationKind, Role
from calls.enums import ApplicationStatus
from calls.models import Application, Call
from tests.browser.conftest import login
from tests.factories import make_achievement, make_org, make_user, pdf_bytes
from tests.factories.events import make_roadshow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _switch(page, username):
    page.context.clear_cookies()
    login(page, username)


@pytest.fixture
def world(transactional_db):
    """Written before Chromium starts (nothing is broadcast from its thread)."""
    torch = make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")
    first = make_org(kind=OrganizationKind.UNIVERSITY, name="东海大学")
    second = make_org(kind=OrganizationKind.INSTITUTE, name="西山研究院")
    make_user(role=Role.ORGANIZER, org=torch, username="organizer")
    for username, org in (("east", first), ("west", second)):
        user = make_user(role=Role.TEAM, org=org, username=username)
        user.email = f"{username}@example.com"
        user.save()
    for i in (1, 2):
        make_user(role=Role.TEAM, org=make_org(name=f"评审单位{i}"), username=f"rev{i}")
    mine = make_achievement(owner=first, state="public", title="海水淡化膜材料")
    theirs = make_achievement(owner=second, state="public", title="山地光伏支架")
    roadshow = make_roadshow(
        lead_host=torch, day=timezone.localdate() + dt.timedelta(days=40)
    )
    return {
        "roadshow": roadshow,
        "mine": mine,
        "theirs": theirs,
        "first": first,
    }


def test_open_apply_review_accept(world, page, tmp_path):
    roadshow, mine, theirs = world["roadshow"], world["mine"], world["theirs"]
    first = world["first"]
    deck = tmp_path / "东海大学路演.pdf"
    deck.write_bytes(pdf_bytes())

    # The organizer opens the call next to the roadshow.
    login(page, "organizer")
    page.goto(page.base + f"/admin/roadshow/edit/{roadshow.pk}/")
    page.click(f"a[href$='/admin/roadshows/{roadshow.pk}/calls/']")
    page.wait_for_url(f"**/admin/roadshows/{roadshow.pk}/calls/")
    page.fill("input[name=title]", "海洋与能源路演征集")
    deadline = timezone.localtime() + dt.timedelta(days=10)
    page.fill("input[name=deadline]", deadline.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=slots]", "1")
    page.check("input[name=anonymised]")
    page.fill("textarea[name=reviewers]", "rev1\nrev2")
    page.click("form.call-open button[type=submit]")
    page.wait_for_url("**/admin/calls/*/")
    call = Call.objects.get()
    assert [c.name for c in call.criteria.all()] == [
        "技术创新性",
        "市场前景",
        "团队能力",
        "转化可行性",
    ]

    # Two teams find it and apply.
    for username, achievement in (("east", mine), ("west", theirs)):
        _switch(page, username)
        page.goto(page.base + "/calls/")
        page.click("text=海洋与能源路演征集")
        page.click("main a.button:has-text('申请')")
        page.select_option("select[name=achievement]", str(achievement.pk))
        page.fill("textarea[name=summary]", f"{achievement.title}的路演简介")
        page.set_input_files("input[name=deck]", str(deck))
        page.click("main button[type=submit]")
        page.wait_for_url("**/workspace/applications/*/")
        assert "申请已提交" in page.inner_text("main")
    assert Application.objects.filter(call=call).count() == 2

    # Two reviewers score; anonymised, neither sees an institution.
    marks = {"rev1": ("5", "4"), "rev2": ("4", "4")}
    for username, (good, other) in marks.items():
        _switch(page, username)
        page.click(f"main a[href$='/workspace/calls/{call.pk}/review/']")
        page.wait_for_url(f"**/workspace/calls/{call.pk}/review/")
        for title in ("海水淡化膜材料", "山地光伏支架"):
            page.click(f"text={title}")
            text = page.inner_text("main")
            assert title in text
            assert "东海大学" not in text and "西山研究院" not in text
            assert "东海大学" not in page.content()
            mark = good if title == "海水淡化膜材料" else "2"
            for criterion in call.criteria.all():
                value = mark if criterion.position == 1 else other
                page.check(f"input[name=score_{criterion.pk}][value='{value}']")
            page.fill("textarea[name=comment]", f"{username}的评语")
            page.click("main button[type=submit]")
            page.wait_for_url(f"**/workspace/calls/{call.pk}/review/")
    page.screenshot(path=page.shots / "call-review-list.png", full_page=True)

    # After the deadline the organizer accepts the top one.
    Call.objects.filter(pk=call.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    _switch(page, "organizer")
    page.goto(page.base + f"/admin/calls/{call.pk}/")
    rows = page.locator("tr[data-application]")
    assert "海水淡化膜材料" in rows.nth(0).inner_text()
    # (5+4+4+4 + 4+4+4+4) / 8 over both sheets.
    assert "4.13" in rows.nth(0).inner_text()
    losing = Application.objects.get(achievement=theirs)
    page.fill("input[name=waitlist]", "0")
    page.fill(f"input[name=reason_{losing.pk}]", "与本场主题不够契合")
    page.click("#decide button[type=submit]")
    page.wait_for_selector("text=已评定")
    page.screenshot(path=page.shots / "call-decided.png", full_page=True)
    programme = list(roadshow.slots.values_list("achievement_id", "team_id"))
    assert programme == [(mine.pk, first.pk)]
    losing.refresh_from_db()
    assert losing.status == ApplicationStatus.DECLINED
    declined = [
        m
        for m in mail.outbox
        if m.to == ["west@example.com"] and "路演征集" in m.subject
    ]
    assert len(declined) == 1, [m.subject for m in mail.outbox]
    assert "与本场主题不够契合" in declined[0].body
    assert any(
        m.to == ["east@example.com"] and "入选" in m.subject for m in mail.outbox
    )
