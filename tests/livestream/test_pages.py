import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from livestream import services
from livestream.models import Question
from livestream.stream import stream_of

pytestmark = pytest.mark.django_db


def test_room_page_for_anyone_when_public(client, live):
    response = client.get(reverse("livestream:room", args=[live["roadshow"].pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-ws="/ws/live/{live["roadshow"].pk}/"' in body
    assert "导出全部问题" not in body  # moderators only
    assert 'id="live-text"' in body


def test_restricted_room_sends_visitors_to_login_and_refuses_others(client, live):
    roadshow = live["roadshow"]
    roadshow.investors_only = True
    roadshow.save()
    url = reverse("livestream:room", args=[roadshow.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(live["pending_investor"])
    assert client.get(url).status_code == 404
    client.force_login(live["investor"])
    assert client.get(url).status_code == 200


def test_unpublished_roadshow_has_no_room_page(client, live):
    roadshow = live["roadshow"]
    roadshow.status = "draft"
    roadshow.first_published_at = None
    roadshow.save()
    assert client.get(reverse("livestream:room", args=[roadshow.pk])).status_code == 404
    assert (
        client.get(reverse("livestream:screen", args=[roadshow.pk])).status_code == 404
    )


def test_export_of_questions_for_moderators_only(client, live):
    room = live["room"]
    services.ask(
        user=live["investor"],
        room_id=room.pk,
        text='=HYPERLINK("x")',
        client_id="1",
        anonymous=True,
    )
    services.ask(
        user=live["enterprise"], room_id=room.pk, text="授权费用？", client_id="2"
    )
    url = reverse("livestream:export", args=[live["roadshow"].pk])
    client.force_login(live["investor"])
    assert client.get(url).status_code == 403
    client.force_login(live["organizer"])
    response = client.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["说明", "问题"]
    about = dict(book["说明"].iter_rows(values_only=True))
    assert about["筛选条件"] == f"路演：{live['roadshow'].title}"
    assert about["行数"] == 2
    sheet = book["问题"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.values)
    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1], strict=True))
    assert isinstance(first["提问时间"], dt.datetime)  # a date, not text
    assert first["点赞数"] == 0
    assert first["问题"] == '=HYPERLINK("x")'  # kept as text, never a formula
    assert first["提问人"] == live["investor"].name  # anonymous to the audience only
    assert first["对观众匿名"] == "是"
    assert first["成果"] == live["slot"].achievement.title


def test_organizers_name_moderators_who_then_moderate(client, live):
    url = reverse("livestream:moderators", args=[live["roadshow"].pk])
    client.force_login(live["investor"])
    assert client.post(url, {"login": "enterprise"}).status_code == 403
    client.force_login(live["organizer"])
    client.post(url, {"login": "no-such-user"})
    assert not live["room"].moderators.exists()
    live["enterprise"].email = "zhou@example.cn"
    live["enterprise"].save()
    client.post(url, {"login": "ZHOU@example.cn"})
    assert list(live["room"].moderators.all()) == [live["enterprise"]]
    question = services.ask(
        user=live["investor"], room_id=live["room"].pk, text="问题", client_id="1"
    )
    services.question_pin(
        user=live["enterprise"], room_id=live["room"].pk, question_id=question.pk
    )
    client.post(url, {"remove": live["enterprise"].pk})
    assert not live["room"].moderators.exists()
    with pytest.raises(services.LiveError):
        services.question_unpin(
            user=live["enterprise"], room_id=live["room"].pk, question_id=question.pk
        )


def test_answered_questions_appear_on_the_roadshow_page_once_published(
    client, live, django_capture_on_commit_callbacks
):
    from cms.sync import roadshow_page_sync

    page = roadshow_page_sync(roadshow_id=live["roadshow"].pk)
    room = live["room"]
    question = services.ask(
        user=live["investor"], room_id=room.pk, text="中试线在哪里建？", client_id="1"
    )
    services.question_mark_answered(
        user=live["organizer"], room_id=room.pk, question_id=question.pk
    )
    assert "中试线在哪里建" not in client.get(page.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.room_update(
            user=live["organizer"], room_id=room.pk, publish_answered=True
        )
    body = client.get(page.url).content.decode()
    assert "进入直播间" in body
    assert "中试线在哪里建" in body
    assert Question.objects.get().answered_at is not None


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://cdn.example.cn/live/stream.m3u8", "hls"),
        ("https://player.bilibili.com/player.html?bvid=1", "iframe"),
        ("http://player.bilibili.com/player.html", "link"),  # an iframe only over https
        ("https://evil.example.com/embed", "link"),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_stream_urls_are_played_embedded_or_linked(url, kind):
    stream = stream_of(url)
    assert (stream.kind if stream else None) == kind


def _export(client, live, downloads):
    url = reverse("livestream:export", args=[live["roadshow"].pk])
    rows = list(downloads.workbook(client, url)["问题"].values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_a_named_moderator_exports_no_contacts_and_only_achievements_they_see(
    client, live, downloads
):
    """Issue #12: a moderator who is not an organizer gets the askers' names
    (the room shows them to moderators) but no emails or organizations, and a
    restricted pitch's achievement only as the room names it to them."""
    from events.enums import SlotKind
    from events.models import Slot
    from tests.factories import make_achievement

    roadshow = live["roadshow"]
    roadshow.investors_only = True
    roadshow.save()
    secret = make_achievement(
        owner=live["slot"].team, state="restricted", title="保密的固态电池工艺"
    )
    restricted = Slot.objects.create(
        roadshow=roadshow,
        kind=SlotKind.PITCH,
        achievement=secret,
        team=live["slot"].team,
        position=2,
    )
    live["investor"].email = "asker@fund.example.cn"
    live["investor"].save()
    room = live["room"]
    for n, slot in enumerate((live["slot"], restricted)):
        services.ask(
            user=live["investor"],
            room_id=room.pk,
            text=f"问题{n}",
            client_id=str(n),
            slot_id=slot.pk,
        )
    room.moderators.add(live["nobody"])  # a named moderator, no investor

    client.force_login(live["nobody"])
    rows = _export(client, live, downloads)
    assert [(r["路演项目"], r["成果"], r["项目编号"], r["提问人"]) for r in rows] == [
        (
            live["slot"].achievement.title,
            live["slot"].achievement.title,
            live["slot"].achievement.project_number,
            live["investor"].name,
        ),
        ("项目路演", None, None, live["investor"].name),  # empty cells
    ]
    assert "邮箱" not in rows[0] and "提问人单位" not in rows[0]
    assert not [v for r in rows for v in r.values() if "asker@" in str(v)]

    client.force_login(live["organizer"])
    rows = _export(client, live, downloads)
    assert [(r["成果"], r["项目编号"], r["邮箱"]) for r in rows] == [
        (
            live["slot"].achievement.title,
            live["slot"].achievement.project_number,
            "asker@fund.example.cn",
        ),
        (secret.title, secret.project_number, "asker@fund.example.cn"),
    ]
    assert rows[1]["路演项目"] == secret.title
    assert rows[0]["提问人单位"] == "丙基金"


def test_the_export_of_an_investors_only_room_sends_the_anonymous_to_log_in(
    client, live
):
    from events.models import Roadshow

    Roadshow.objects.filter(pk=live["roadshow"].pk).update(investors_only=True)
    response = client.get(f"/live/{live['roadshow'].pk}/questions.xlsx")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
