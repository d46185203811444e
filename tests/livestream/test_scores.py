"""Pitch scores (issue #15): approved investors and named judges score a
pitch on the room's criteria, once each (changeable while live), never their
own organization's; the team sees averages after the end, organizers see
and export everything."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import SlotKind
from events.models import Slot
from livestream import services
from livestream.enums import DEFAULT_SCORE_CRITERIA
from livestream.errors import LiveError
from livestream.models import PitchScore, RoomEvent
from livestream.selectors import pitch_results
from tests.factories import make_achievement
from tests.livestream.conftest import Client, run

pytestmark = pytest.mark.django_db

ALL_FOUR = dict.fromkeys(DEFAULT_SCORE_CRITERIA, 4)


def _named(live):
    for key, name in (("investor", "投资人甲"), ("enterprise", "企业乙")):
        live[key].name = name
        live[key].save(update_fields=["name"])


def _score(live, who, values, slot=None):
    return services.pitch_score(
        user=live[who],
        room_id=live["room"].pk,
        slot_id=(slot or live["slot"]).pk,
        values=values,
    )


def _refused(live, who, values, slot=None) -> str:
    with pytest.raises(LiveError) as refused:
        _score(live, who, values, slot)
    return refused.value.code


def test_investors_and_judges_score_once_each_and_may_change_it(live):
    _score(live, "investor", ALL_FOUR)
    _score(live, "investor", {**ALL_FOUR, "市场前景": 2})
    assert _refused(live, "nobody", ALL_FOUR) == "forbidden"
    live["room"].judges.add(live["nobody"])
    _score(live, "nobody", dict.fromkeys(DEFAULT_SCORE_CRITERIA, 5))
    assert PitchScore.objects.count() == 2 * len(DEFAULT_SCORE_CRITERIA)
    mine = dict(
        PitchScore.objects.filter(user=live["investor"]).values_list(
            "criterion", "value"
        )
    )
    assert mine == {**ALL_FOUR, "市场前景": 2}
    [result] = pitch_results(room=live["room"], user=live["organizer"])
    assert result.scorers == 2
    assert {c: (avg, n) for c, avg, n in result.criteria} == {
        **dict.fromkeys(DEFAULT_SCORE_CRITERIA, (4.5, 2)),
        "市场前景": (3.5, 2),
    }
    # The moderators hear that somebody scored, never the marks.
    scored = RoomEvent.objects.filter(kind="scored").last()
    assert (scored.audience, scored.data) == (
        "mod",
        {"slot": live["slot"].pk, "scorers": 2},
    )


def test_bad_scores_are_refused_and_nothing_is_written(live):
    live["room"].judges.add(live["team"])
    assert _refused(live, "team", ALL_FOUR) == "own_pitch"
    assert _refused(live, "investor", {**ALL_FOUR, "市场前景": 6}) == "invalid"
    assert _refused(live, "investor", {**ALL_FOUR, "市场前景": 0}) == "invalid"
    partial = dict(list(ALL_FOUR.items())[:3])
    assert _refused(live, "investor", partial) == "invalid"
    assert _refused(live, "investor", {**ALL_FOUR, "颜值": 3}) == "invalid"
    assert _refused(live, "pending_investor", ALL_FOUR) == "forbidden"
    later = Slot.objects.create(
        roadshow=live["roadshow"],
        kind=SlotKind.PITCH,
        achievement=make_achievement(
            owner=live["other_team"].memberships.get().organization, state="public"
        ),
        team=live["other_team"].memberships.get().organization,
        position=2,
    )
    assert _refused(live, "investor", ALL_FOUR, later) == "not_started"
    break_slot = Slot.objects.create(
        roadshow=live["roadshow"], kind=SlotKind.BREAK, position=3
    )
    assert _refused(live, "investor", ALL_FOUR, break_slot) == "bad_slot"
    roadshow = live["roadshow"]
    roadshow.status = "closed"
    roadshow.save()
    assert _refused(live, "investor", ALL_FOUR) == "closed"
    assert not PitchScore.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_scores_through_the_socket_ack_and_tell_the_moderators_only(live):
    pk = live["roadshow"].pk

    async def scenario():
        moderator = Client(pk, live["organizer"])
        scorer = Client(pk, live["investor"])
        viewer = Client(pk, live["enterprise"])
        for client in (moderator, scorer, viewer):
            snap = await client.connect()
        assert snap["me"]["can_score"] is True
        assert snap["room"]["criteria"] == list(DEFAULT_SCORE_CRITERIA)
        await scorer.send(t="score", ref="s", slot=live["slot"].pk, values=ALL_FOUR)
        ack = await scorer.reply("s")
        assert (ack["t"], ack["values"]) == ("ack", ALL_FOUR)
        scored = await moderator.event("scored")
        assert scored["data"] == {"slot": live["slot"].pk, "scorers": 1}
        await scorer.send(t="score", ref="bad", slot=live["slot"].pk, values=[4])
        assert (await scorer.reply("bad"))["code"] == "bad_frame"
        await viewer.send(t="chat", ref="c", cid="c", text="好")
        await viewer.reply("c")
        frame = await viewer.until(lambda f: f["t"] == "events")
        assert [e["kind"] for e in frame["events"]] == ["chat"]
        again = Client(pk, live["investor"])
        assert (await again.connect())["scores"] == {str(live["slot"].pk): ALL_FOUR}
        for client in (moderator, scorer, viewer, again):
            await client.close()

    run(scenario)


def test_criteria_are_set_by_organizers_until_somebody_scores(client, live):
    url = reverse("livestream:criteria", args=[live["roadshow"].pk])
    client.force_login(live["investor"])
    assert client.post(url, {"criteria": "甲"}).status_code == 403
    client.force_login(live["organizer"])
    response = client.post(
        url, {"criteria": "技术先进性\n  \n商业 模式\n"}, follow=True
    )
    assert "评分维度已保存。" in response.content.decode()
    live["room"].refresh_from_db()
    assert live["room"].score_criteria == ["技术先进性", "商业 模式"]
    for bad, message in (
        ("甲\n甲", "评分维度不能重复。"),
        ("", "评分维度应有 1 到 10 项。"),
        ("\n".join(str(n) for n in range(11)), "评分维度应有 1 到 10 项。"),
        ("长" * 41, "每项评分维度最多 40 个字。"),
    ):
        response = client.post(url, {"criteria": bad}, follow=True)
        assert message in response.content.decode(), bad
    _score(live, "investor", {"技术先进性": 3, "商业 模式": 5})
    response = client.post(url, {"criteria": "别的"}, follow=True)
    assert "已经有人评分，不能再修改评分维度。" in response.content.decode()
    live["room"].refresh_from_db()
    assert live["room"].score_criteria == ["技术先进性", "商业 模式"]


def test_organizers_name_judges_beside_the_moderators(client, live):
    url = reverse("livestream:judges", args=[live["roadshow"].pk])
    client.force_login(live["investor"])
    assert client.post(url, {"login": "nobody"}).status_code == 403
    client.force_login(live["organizer"])
    response = client.post(url, {"login": "nobody"}, follow=True)
    assert "已添加评委" in response.content.decode()
    assert list(live["room"].judges.all()) == [live["nobody"]]
    response = client.post(url, {"login": "no-such-user"}, follow=True)
    assert "没有这个用户名或邮箱的账户。" in response.content.decode()
    client.post(url, {"remove": live["nobody"].pk})
    assert not live["room"].judges.exists()


def test_the_team_sees_its_averages_after_the_end_never_who_scored(client, live):
    _named(live)
    _score(live, "investor", ALL_FOUR)
    _score(live, "enterprise", dict.fromkeys(DEFAULT_SCORE_CRITERIA, 3))
    url = reverse("livestream:presenter", args=[live["roadshow"].pk])
    client.force_login(live["team"])
    live_page = client.get(url).content.decode()
    assert "本团队项目的评分" not in live_page  # not while live
    roadshow = live["roadshow"]
    roadshow.status = "closed"
    roadshow.end = timezone.now() - dt.timedelta(minutes=1)
    roadshow.save()
    page = client.get(url).content.decode()
    assert "本团队项目的评分" in page
    assert "3.50" in page and "2 人评分" in page
    for name in ("investor", "enterprise"):
        assert live[name].name not in page and live[name].username not in page
    client.force_login(live["other_team"])
    assert client.get(url).status_code == 403


def test_organizers_see_and_export_every_score(client, live, downloads):
    _named(live)
    _score(live, "investor", ALL_FOUR)
    page_url = reverse("livestream:scores", args=[live["roadshow"].pk])
    export_url = reverse("livestream:scores_export", args=[live["roadshow"].pk])
    assert client.get(page_url).status_code == 302
    for name in ("investor", "team"):
        client.force_login(live[name])
        assert client.get(page_url).status_code == 403
        assert client.get(export_url).status_code == 403
    live["room"].moderators.add(live["enterprise"])
    client.force_login(live["enterprise"])  # a named moderator, not an organizer
    assert client.get(page_url).status_code == 403
    client.force_login(live["organizer"])
    page = client.get(page_url).content.decode()
    assert live["investor"].name in page and "4.00" in page
    book = downloads.workbook(client, export_url)
    about, summary, detail = book.worksheets
    assert about.title == "说明" and (detail.freeze_panes, summary.title) == (
        "A2",
        "评分汇总",
    )
    rows = list(detail.iter_rows(values_only=True))
    assert rows[0][:4] == ("路演项目", "评分人", "评分人单位", "邮箱")
    assert rows[1][1] == live["investor"].name
    assert rows[1][2] == "丙基金"
    assert list(rows[1][4:9]) == [4, 4, 4, 4, 4]
    assert list(summary.iter_rows(values_only=True))[1][1] == 1


def test_the_teams_workspace_leads_to_its_presenter_view_and_scores(client, live):
    client.force_login(live["team"])
    page = client.get(reverse("accounts:workspace")).content.decode()
    presenter = reverse("livestream:presenter", args=[live["roadshow"].pk])
    assert "路演现场与评分" in page and f'href="{presenter}">路演团队视图' in page
    roadshow = live["roadshow"]
    roadshow.status = "closed"
    roadshow.save()
    page = client.get(reverse("accounts:workspace")).content.decode()
    assert f'href="{presenter}">查看评分' in page
    client.force_login(live["investor"])
    assert (
        "路演现场与评分"
        not in client.get(reverse("accounts:workspace")).content.decode()
    )
