"""The meeting room over HTTP: the page, documents shared and fetched, the
outcome recorded from the room, the organizers' board, a place's standing
video link."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.enums import Role
from matchmaking.models import MeetingOutcome
from meetrooms import services
from meetrooms.models import RoomDocument, RoomVisit
from meetrooms.selectors import room_for
from tests.factories import make_user, pdf_bytes

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_room_page_for_parties_and_organizers_only(meet):
    meeting = meet["meeting"]
    url = f"/meet/{meeting.pk}/"
    for name in ("investor", "team", "organizer"):
        page = _client(meet[name]).get(url)
        assert page.status_code == 200, name
        assert meet["achievement"].title in page.content.decode()
    # Anyone else: the same 404 as for a meeting that does not exist.
    colleague = make_user(role=Role.TEAM, org=meet["owner"], username="colleague")
    for user in (meet["other_team"], meet["enterprise"], colleague):
        assert _client(user).get(url).status_code == 404
        assert _client(user).get(f"/meet/{meeting.pk + 999}/").status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert (
        Client()
        .get(f"/meet/{meeting.pk + 999}/")["Location"]
        .startswith(anonymous["Location"].split("?")[0])
    )


def test_the_request_page_leads_the_attendees_into_the_room(meet):
    request, meeting = meet["request"], meet["meeting"]
    room = f"/meet/{meeting.pk}/"
    assert (
        room
        in _client(meet["team"])
        .get(f"/matchmaking/requests/{request.pk}/")
        .content.decode()
    )
    assert room in _client(meet["investor"]).get("/matchmaking/").content.decode()
    colleague = make_user(role=Role.TEAM, org=meet["owner"], username="colleague")
    page = _client(colleague).get(f"/matchmaking/requests/{request.pk}/")
    assert page.status_code == 200 and room not in page.content.decode()


def test_a_document_shared_is_served_to_the_two_parties_only(
    meet, django_capture_on_commit_callbacks
):
    meeting = meet["meeting"]
    team = _client(meet["team"])
    shared = team.post(
        f"/meet/{meeting.pk}/documents/",
        {"file": SimpleUploadedFile("商业计划书.pdf", pdf_bytes(), "application/pdf")},
    )
    assert shared.status_code == 201
    document = RoomDocument.objects.get()
    url = f"/meet/{meeting.pk}/documents/{document.pk}/"
    for name in ("investor", "team", "organizer"):
        response = _client(meet[name]).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert "private" in response["Cache-Control"]
    for user in (meet["other_team"], meet["enterprise"]):
        assert _client(user).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    # Someone else's document through this meeting's address: not found.
    assert (
        team.get(f"/meet/{meeting.pk + 1}/documents/{document.pk}/").status_code == 404
    )
    # Withdrawn by whoever shared it: gone for everyone.
    with pytest.raises(services.MeetError):
        services.document_remove(
            user=meet["investor"], meeting_id=meeting.pk, document_id=document.pk
        )
    stored = document.file.name
    assert document.file.storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_remove(
            user=meet["team"], meeting_id=meeting.pk, document_id=document.pk
        )
    assert _client(meet["investor"]).get(url).status_code == 404
    # Withdrawn means gone from the storage too; the record keeps its name.
    assert not document.file.storage.exists(stored)
    document.refresh_from_db()
    assert (document.file.name, document.original_name) == ("", "商业计划书.pdf")


def test_a_bad_file_is_refused_in_the_users_language(meet):
    meeting = meet["meeting"]
    team = _client(meet["team"])
    fake = team.post(
        f"/meet/{meeting.pk}/documents/",
        {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7 garbage", "application/pdf")},
    )
    assert fake.status_code == 400 and "PDF" in fake.json()["error"]
    team.cookies["django_language"] = "en"
    script = team.post(
        f"/meet/{meeting.pk}/documents/",
        {"file": SimpleUploadedFile("x.html", b"<script>1</script>", "text/html")},
    )
    assert script.status_code == 400
    error = script.json()["error"]
    assert error and not any("\u4e00" <= ch <= "\u9fff" for ch in error), error
    del team.cookies["django_language"]
    assert (
        team.post(f"/meet/{meeting.pk}/documents/").json()["error"]
        == "请选择要共享的文件。"
    )
    outsider = _client(meet["other_team"]).post(
        f"/meet/{meeting.pk}/documents/",
        {"file": SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf")},
    )
    assert outsider.status_code == 404
    assert not RoomDocument.objects.exists()


def test_sharing_stops_when_the_room_is_read_only(meet):
    from tests.meetrooms.conftest import on_now

    meeting = meet["meeting"]
    on_now(meeting, started_minutes=120)
    shared = _client(meet["team"]).post(
        f"/meet/{meeting.pk}/documents/",
        {"file": SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf")},
    )
    assert shared.status_code == 400 and "只能查看" in shared.json()["error"]


def test_the_outcome_recorded_in_the_room_returns_to_it(meet):
    meeting = meet["meeting"]
    investor = _client(meet["investor"])
    page = investor.get(f"/meet/{meeting.pk}/").content.decode()
    assert f"/matchmaking/meetings/{meeting.pk}/outcome/" in page
    done = investor.post(
        f"/matchmaking/meetings/{meeting.pk}/outcome/",
        {
            "outcome": "continue",
            "note": "",
            "reason": "",
            "next": f"/meet/{meeting.pk}/",
        },
    )
    assert done.status_code == 302 and done["Location"] == f"/meet/{meeting.pk}/"
    assert MeetingOutcome.objects.get().outcome == "continue"
    # Anywhere else than this site: back to the request's page.
    away = investor.post(
        f"/matchmaking/meetings/{meeting.pk}/outcome/",
        {"outcome": "continue", "note": "", "reason": "", "next": "//evil.example/"},
    )
    assert away["Location"] == f"/matchmaking/requests/{meet['request'].pk}/"


def test_the_board_shows_who_is_in_each_room(meet):
    from django.utils import timezone

    meeting, session = meet["meeting"], meet["session"]
    room = room_for(meeting)
    now = timezone.now()
    RoomVisit.objects.create(
        room=room,
        user=meet["investor"],
        side="investor",
        channel="c1",
        entered_at=now,
        seen_at=now,
    )
    url = f"/meet/sessions/{session.pk}/board/"
    board = _client(meet["organizer"]).get(url)
    assert board.status_code == 200
    text = board.content.decode()
    assert "仅一方在场" in text and meet["achievement"].title in text
    assert f"/meet/{meeting.pk}/" in text
    partial = _client(meet["organizer"]).get(url + "?partial=1").content.decode()
    assert "<html" not in partial and "仅一方在场" in partial
    for name in ("investor", "team", "enterprise"):
        assert _client(meet[name]).get(url).status_code == 404


def test_a_place_standing_video_link(meet):
    from matchmaking.services import MatchError, place_video_set

    session = meet["session"]
    online = session.places.get(kind="online")
    table = session.places.filter(kind="onsite").first()
    place_video_set(
        place_id=online.pk,
        session_id=session.pk,
        by=meet["organizer"],
        url=" https://meeting.tencent.com/dm/x1 ",
    )
    online.refresh_from_db()
    assert online.video_url == "https://meeting.tencent.com/dm/x1"
    for place, url in [
        (table, "https://meeting.tencent.com/dm/x2"),
        (online, "https://example.com/x"),
        (online, "http://zoom.us/j/1"),
    ]:
        with pytest.raises(MatchError):
            place_video_set(
                place_id=place.pk, session_id=session.pk, by=meet["organizer"], url=url
            )
    with pytest.raises(PermissionDenied):
        place_video_set(
            place_id=online.pk, session_id=session.pk, by=meet["investor"], url=""
        )
    response = _client(meet["organizer"]).post(
        f"/admin/matchmaking/{session.pk}/places/{online.pk}/video/",
        {"video_url": "ftp://x"},
    )
    assert response.status_code == 302
    online.refresh_from_db()
    assert online.video_url == "https://meeting.tencent.com/dm/x1"
