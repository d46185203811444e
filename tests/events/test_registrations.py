"""Registration, waitlist, tickets and check-in (R5)."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.utils import timezone

from events.models import Registration, Roadshow, Scan
from events.registrations import (
    RegistrationError,
    places_left,
    registration_cancel,
    registration_create,
    ticket_check_in,
    waitlist_promote,
)
from events.services import roadshow_transition
from tests.factories import make_user
from tests.factories.events import make_roadshow


@pytest.fixture
def open_roadshow(roles):
    users, orgs = roles
    roadshow = make_roadshow(
        lead_host=orgs["torch"], capacity=2, day=dt.date.today() + dt.timedelta(days=20)
    )
    roadshow = roadshow_transition(
        roadshow=roadshow, action="publish", by=users["organizer"]
    )
    return users, orgs, roadshow


def person(name):
    user = make_user(username=name)
    user.email = f"{name}@example.cn"
    user.save()
    return user


def test_capacity_waitlist_and_promotion(
    open_roadshow, django_capture_on_commit_callbacks
):
    _users, _orgs, roadshow = open_roadshow
    a, b, c = person("a"), person("b"), person("c")
    with django_capture_on_commit_callbacks(execute=True):
        ra = registration_create(roadshow=roadshow, user=a, attendance="onsite")
        registration_create(roadshow=roadshow, user=b, attendance="onsite")
        rc = registration_create(roadshow=roadshow, user=c, attendance="onsite")
    assert rc.status == "waitlisted"
    assert "报名成功" in mail.outbox[0].subject
    assert [a[0] for a in mail.outbox[0].attachments] == ["ticket.png", "roadshow.ics"]
    assert "候补" in mail.outbox[2].subject
    online = registration_create(
        roadshow=roadshow, user=person("d"), attendance="online"
    )
    assert online.status == "confirmed"
    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_cancel(registration=ra, by=a)
    assert promoted.pk == rc.pk
    rc.refresh_from_db()
    assert rc.status == "confirmed"
    assert "候补转正" in mail.outbox[-1].subject and mail.outbox[-1].to == [
        "c@example.cn"
    ]


def test_places_kept_for_invited_guests_are_not_the_publics(open_roadshow):
    _users, _orgs, roadshow = open_roadshow
    roadshow.capacity = 3
    roadshow.invitation_places = 2
    roadshow.save()
    assert (
        places_left(roadshow=roadshow),
        places_left(roadshow=roadshow, reserved=True),
    ) == (1, 3)
    first = registration_create(
        roadshow=roadshow, user=person("a"), attendance="onsite"
    )
    second = registration_create(
        roadshow=roadshow, user=person("b"), attendance="onsite"
    )
    assert (first.status, first.reserved, second.status) == (
        "confirmed",
        False,
        "waitlisted",
    )
    guest = registration_create(
        roadshow=roadshow, user=person("g"), attendance="onsite", reserved=True
    )
    online = registration_create(
        roadshow=roadshow, user=person("o"), attendance="online", reserved=True
    )
    assert (guest.status, guest.reserved, online.reserved) == ("confirmed", True, False)
    # One kept place is left, and it stays kept: nobody leaves the waitlist.
    assert places_left(roadshow=roadshow) == 0
    assert waitlist_promote(roadshow=roadshow) == []
    roadshow.invitation_places = 1
    roadshow.save()
    assert [r.pk for r in waitlist_promote(roadshow=roadshow)] == [second.pk]
    # A capacity lowered under the kept places leaves none for anyone.
    roadshow.capacity = 1
    roadshow.save()
    assert (
        places_left(roadshow=roadshow),
        places_left(roadshow=roadshow, reserved=True),
    ) == (-2, -2)


def test_registering_twice_is_refused(open_roadshow):
    _users, _orgs, roadshow = open_roadshow
    a = person("a")
    registration_create(roadshow=roadshow, user=a, attendance="onsite")
    with pytest.raises(RegistrationError, match="无需重复报名"):
        registration_create(roadshow=roadshow, user=a, attendance="online")


def test_window_and_audience(open_roadshow, roles):
    users, orgs, roadshow = open_roadshow
    roadshow.registration_closes = roadshow.start - dt.timedelta(days=30)
    roadshow.registration_opens = roadshow.start - dt.timedelta(days=60)
    roadshow.save()
    with pytest.raises(RegistrationError, match="截止"):
        registration_create(roadshow=roadshow, user=person("a"), attendance="onsite")
    roadshow.registration_closes = None
    roadshow.registration_opens = None
    roadshow.investors_only = True
    roadshow.save()
    with pytest.raises(RegistrationError, match="仅限已批准的投资方"):
        registration_create(roadshow=roadshow, user=person("b"), attendance="onsite")
    registration_create(roadshow=roadshow, user=users["investor"], attendance="onsite")
    draft = make_roadshow(lead_host=orgs["torch"])
    with pytest.raises(RegistrationError, match="不接受报名"):
        registration_create(roadshow=draft, user=person("c"), attendance="onsite")


def test_check_in_once_with_typed_reasons(open_roadshow, roles):
    users, orgs, roadshow = open_roadshow
    r = registration_create(roadshow=roadshow, user=person("a"), attendance="onsite")
    waiting = [
        registration_create(roadshow=roadshow, user=person(n), attendance="onsite")
        for n in ("b", "c")
    ][-1]
    online = registration_create(
        roadshow=roadshow, user=person("d"), attendance="online"
    )
    other = make_roadshow(
        lead_host=orgs["torch"], capacity=5, day=dt.date.today() + dt.timedelta(days=21)
    )
    roadshow_transition(roadshow=other, action="publish", by=users["organizer"])
    foreign = registration_create(roadshow=other, user=person("e"), attendance="onsite")

    def scan(code, scan_id, door="东门"):
        return ticket_check_in(
            roadshow=roadshow,
            code=code,
            door=door,
            scan_id=scan_id,
            by=users["organizer"],
        ).result

    assert scan("RS1-" + r.secret, "s1") == "ok"
    assert scan("RS1-" + r.secret, "s1") == "ok"  # the same scan, retried
    assert scan(r.short_code.lower(), "s2", door="西门") == "already_checked_in"
    assert Scan.objects.get(scan_id="s2").registration.checked_in_door == "东门"
    assert scan("RS1-" + waiting.secret, "s3") == "waitlisted"
    assert scan("RS1-" + online.secret, "s4") == "online_only"
    assert scan("RS1-" + foreign.secret, "s5") == "other_roadshow"
    assert scan("RS1-" + r.secret[:-3], "s6") == "not_a_ticket"  # truncated
    assert (
        scan("RS1-" + r.secret[:-1] + ("A" if r.secret[-1] != "A" else "B"), "s7")
        == "not_a_ticket"
    )  # tampered
    assert scan("ZZZZZ-ZZZZZ", "s8") == "not_a_ticket"  # guessed
    r.refresh_from_db()
    assert r.checked_in_at is not None
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 1


def test_cancelled_ticket_stops_working_at_once(open_roadshow):
    users, _orgs, roadshow = open_roadshow
    a = person("a")
    r = registration_create(roadshow=roadshow, user=a, attendance="onsite")
    registration_cancel(registration=r, by=a)
    result = ticket_check_in(
        roadshow=roadshow,
        code="RS1-" + r.secret,
        door="",
        scan_id="x",
        by=users["organizer"],
    ).result
    assert result == "cancelled"


def test_web_flow_ticket_page_and_scanner_api(client, open_roadshow):
    users, _orgs, roadshow = open_roadshow
    a = person("a")
    client.force_login(a)
    response = client.post(f"/r/{roadshow.pk}/register/", {"attendance": "onsite"})
    registration = Registration.objects.get(user=a)
    assert response["Location"] == f"/workspace/registrations/{registration.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert registration.short_code in page and "<svg" in page
    assert (
        client.get(f"/workspace/registrations/{registration.pk}/qr.png")["Content-Type"]
        == "image/png"
    )
    client.force_login(make_user(username="nosy"))
    assert client.get(f"/workspace/registrations/{registration.pk}/").status_code == 404
    assert client.get(f"/checkin/{roadshow.pk}/").status_code == 403

    client.force_login(users["organizer"])
    scanner = client.get(f"/checkin/{roadshow.pk}/")
    assert scanner.status_code == 200
    # Twenty days early: the page warns and asks; a scan not confirmed is
    # refused and leaves nothing behind.
    day = timezone.localdate(roadshow.start).isoformat()
    assert f"今天不是本场路演的日期：路演在 {day} 举行" in scanner.content.decode()
    early = client.post(
        f"/checkin/{roadshow.pk}/scan/",
        json.dumps({"code": registration.short_code, "scan_id": "early"}),
        content_type="application/json",
    )
    assert early.status_code == 409 and early.json()["result"] == "off_day"
    assert not Scan.objects.exists()
    body = client.post(
        f"/checkin/{roadshow.pk}/scan/",
        json.dumps(
            {
                "code": registration.short_code,
                "door": "北门",
                "scan_id": "web-1",
                "confirm_off_day": True,
            }
        ),
        content_type="application/json",
    ).json()
    assert (body["ok"], body["result"], body["name"]) == (True, "ok", "测试用户")
    assert client.get(f"/checkin/{roadshow.pk}/counts/").json() == {
        "registered": 1,
        "checked_in": 1,
        "waitlisted": 0,
        "online": 0,
    }
    bad = client.post(
        f"/checkin/{roadshow.pk}/scan/", "{broken", content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["result"] == "bad_request"


def test_scanning_is_throttled(client, open_roadshow, settings):
    users, _orgs, roadshow = open_roadshow
    settings.CHECKIN_SCANS_PER_MINUTE = 3
    client.force_login(users["organizer"])
    statuses = [
        client.post(
            f"/checkin/{roadshow.pk}/scan/",
            json.dumps({"code": "X", "scan_id": f"t{i}", "confirm_off_day": True}),
            content_type="application/json",
        ).status_code
        for i in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    assert Scan.objects.count() == 3


def test_organizer_sees_no_shows_after_the_roadshow(client, open_roadshow):
    users, _orgs, roadshow = open_roadshow
    came = registration_create(
        roadshow=roadshow, user=person("came"), attendance="onsite"
    )
    registration_create(roadshow=roadshow, user=person("absent"), attendance="onsite")
    ticket_check_in(
        roadshow=roadshow,
        code=came.short_code,
        door="",
        scan_id="n1",
        by=users["organizer"],
    )
    client.force_login(users["organizer"])
    page = client.get(f"/admin/roadshows/{roadshow.pk}/manage/").content.decode()
    assert "尚未签到" in page and "absent@example.cn" in page
    assert "came@example.cn" not in page
    assert "现场报名 2 人，已签到 1 人" in page
    roadshow.start -= dt.timedelta(days=40)
    roadshow.end -= dt.timedelta(days=40)
    roadshow.save()
    page = client.get(f"/admin/roadshows/{roadshow.pk}/manage/").content.decode()
    assert "未到场" in page and "absent@example.cn" in page


def test_typed_look_alikes_are_read_as_base32(open_roadshow):
    from events.registrations import normalize_code

    assert normalize_code(" ab1c0-8xyz ") == "ABICOBXYZ"
    assert normalize_code("RS1-ABC") == "ABC"


def test_door_staff_named_for_one_roadshow_check_in_there_only(client, open_roadshow):
    users, orgs, roadshow = open_roadshow
    other = roadshow_transition(
        roadshow=make_roadshow(
            lead_host=orgs["torch"], day=dt.date.today() + dt.timedelta(days=21)
        ),
        action="publish",
        by=users["organizer"],
    )
    guest = registration_create(
        roadshow=roadshow, user=person("g"), attendance="onsite"
    )
    staff = person("door")

    client.force_login(users["organizer"])
    add = f"/admin/roadshows/{roadshow.pk}/door-staff/add/"
    client.post(add, {"login": "nobody-by-that-name"})
    assert not roadshow.door_staff.exists()
    client.post(add, {"login": "door@example.cn"})
    assert list(roadshow.door_staff.all()) == [staff]

    client.force_login(staff)
    assert f"/checkin/{roadshow.pk}/" in client.get("/workspace/").content.decode()
    page = client.get(f"/checkin/{roadshow.pk}/")
    assert page.status_code == 200
    assert "registrations.xlsx" not in page.content.decode()  # no list of emails
    assert client.get(f"/checkin/{roadshow.pk}/registrations.xlsx").status_code == 403
    body = client.post(
        f"/checkin/{roadshow.pk}/scan/",
        json.dumps(
            {
                "code": guest.short_code,
                "door": "东门",
                "scan_id": "s-1",
                "confirm_off_day": True,
            }
        ),
        content_type="application/json",
    ).json()
    assert body["result"] == "ok"
    assert client.get(f"/checkin/{other.pk}/").status_code == 403
    assert client.get(f"/admin/roadshows/{roadshow.pk}/manage/").status_code in (
        302,
        403,
    )

    client.force_login(users["organizer"])
    client.post(f"/admin/roadshows/{roadshow.pk}/door-staff/{staff.pk}/remove/")
    client.force_login(staff)
    assert client.get(f"/checkin/{roadshow.pk}/").status_code == 403


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_scan_for_a_roadshow_that_does_not_exist_is_not_found(client, open_roadshow):
    """The scan API reads no roadshow row: the scan's own insert finds out."""
    users, _orgs, roadshow = open_roadshow
    registration = registration_create(
        roadshow=roadshow, user=person("gone"), attendance="onsite"
    )
    client.force_login(users["organizer"])
    missing = roadshow.pk + 1000
    response = client.post(
        f"/checkin/{missing}/scan/",
        json.dumps(
            {
                "code": registration.secret,
                "door": "东门",
                "scan_id": "x-1",
                "confirm_off_day": True,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Scan.objects.exists()
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def _scan(client, roadshow, code, scan_id, door="东门"):
    return client.post(
        f"/checkin/{roadshow.pk}/scan/",
        json.dumps(
            {"code": code, "door": door, "scan_id": scan_id, "confirm_off_day": True}
        ),
        content_type="application/json",
    )


def test_a_scan_id_of_another_roadshow_reveals_nothing_of_it(client, open_roadshow):
    """Issue #12: scan ids are the scanners' own, unique per roadshow; the
    same id at another roadshow is a new scan there, not a look-up."""
    users, orgs, roadshow = open_roadshow
    other = roadshow_transition(
        roadshow=make_roadshow(
            lead_host=orgs["torch"], day=dt.date.today() + dt.timedelta(days=22)
        ),
        action="publish",
        by=users["organizer"],
    )
    here = registration_create(
        roadshow=roadshow, user=person("here"), attendance="onsite"
    )
    there = registration_create(
        roadshow=other, user=person("there"), attendance="onsite"
    )
    there.user.name = "别场的来宾"
    there.user.save()
    client.force_login(users["organizer"])
    first = _scan(client, other, there.short_code, "door-7").json()
    assert (first["result"], first["name"]) == ("ok", "别场的来宾")

    response = _scan(client, roadshow, here.short_code, "door-7")
    body = response.json()
    assert response.status_code == 200
    assert (body["ok"], body["result"], body["name"]) == (True, "ok", "测试用户")
    here.refresh_from_db()
    assert here.checked_in_door == "东门"
    assert sorted(Scan.objects.values_list("roadshow_id", "registration_id")) == sorted(
        [(other.pk, there.pk), (roadshow.pk, here.pk)]
    )


def test_a_scan_id_reused_with_another_ticket_checks_nothing_in(client, open_roadshow):
    """Issue #12: a scan id sent again with another ticket is refused with a
    typed result and checks nothing in; with its own ticket it is a retry."""
    users, _orgs, roadshow = open_roadshow
    first = registration_create(
        roadshow=roadshow, user=person("a"), attendance="onsite"
    )
    second = registration_create(
        roadshow=roadshow, user=person("b"), attendance="onsite"
    )
    client.force_login(users["organizer"])
    assert _scan(client, roadshow, first.short_code, "s-1").json()["result"] == "ok"

    response = _scan(client, roadshow, "RS1-" + second.secret, "s-1", door="西门")
    assert response.status_code == 409
    assert response.json() == {
        "ok": False,
        "result": "scan_id_reused",
        "message": "扫码编号已用于另一张门票，本次未签到，请重新扫码",
    }
    second.refresh_from_db()
    assert (second.checked_in_at, second.checked_in_door) == (None, "")

    retry = _scan(client, roadshow, first.short_code, "s-1", door="西门").json()
    assert (retry["result"], retry["door"]) == ("ok", "东门")  # the first answer
    assert _scan(client, roadshow, second.short_code, "s-2").json()["result"] == "ok"
    assert list(
        Scan.objects.order_by("id").values_list("scan_id", "registration_id", "result")
    ) == [("s-1", first.pk, "ok"), ("s-2", second.pk, "ok")]


def _edit_capacity(client, roadshow, capacity):
    """The organizer changes the capacity in the roadshow's admin edit form."""
    url = f"/admin/roadshow/edit/{roadshow.pk}/"
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    start = timezone.localtime(roadshow.start)
    end = timezone.localtime(roadshow.end)
    data.update(
        {
            "start": start.strftime("%Y-%m-%d %H:%M:%S"),
            "end": end.strftime("%Y-%m-%d %H:%M:%S"),
            "co_hosts": [],
            "invited": [],
            "capacity": "" if capacity is None else capacity,
        }
    )
    data.pop("investors_only", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors


def test_raising_capacity_promotes_the_waitlist_in_order(
    client, open_roadshow, django_capture_on_commit_callbacks
):
    """Issue #12: places added in the admin go to those who waited, in order,
    and they are told; someone registering afterwards does not jump ahead."""
    users, _orgs, roadshow = open_roadshow
    people = [person(name) for name in ("a", "b", "c", "d", "e")]
    for user in people:
        registration_create(roadshow=roadshow, user=user, attendance="onsite")

    def statuses():
        return dict(
            Registration.objects.filter(roadshow=roadshow).values_list(
                "user__username", "status"
            )
        )

    assert list(statuses().values()).count("waitlisted") == 3
    client.force_login(users["organizer"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _edit_capacity(client, roadshow, 4)
    assert statuses() == {
        "a": "confirmed",
        "b": "confirmed",
        "c": "confirmed",
        "d": "confirmed",
        "e": "waitlisted",
    }
    assert [(m.to, m.subject.split("：")[0]) for m in mail.outbox] == [
        (["c@example.cn"], "候补转正，报名已确认"),
        (["d@example.cn"], "候补转正，报名已确认"),
    ]
    assert [a[0] for a in mail.outbox[0].attachments] == ["ticket.png", "roadshow.ics"]

    late = registration_create(roadshow=roadshow, user=person("f"), attendance="onsite")
    assert late.status == "waitlisted"  # behind e

    with django_capture_on_commit_callbacks(execute=True):
        _edit_capacity(client, roadshow, None)  # no limit: everyone waiting is in
    assert set(statuses().values()) == {"confirmed"}
    assert [m.to for m in mail.outbox[2:]] == [["e@example.cn"], ["f@example.cn"]]


@pytest.mark.parametrize(
    ("today", "problem"),
    [
        (dt.date(2026, 12, 9), "今天不是本场路演的日期：路演在 2026-12-10 举行"),
        (dt.date(2026, 12, 10), None),
        (dt.date(2026, 12, 11), None),  # a two-day roadshow's second day
        (dt.date(2026, 12, 12), "本场路演已于 2026-12-11 结束"),
    ],
)
def test_the_roadshows_day_is_its_local_dates(today, problem):
    from events.registrations import checkin_day_problem
    from events.services import SHANGHAI

    start = dt.datetime(2026, 12, 10, 9, tzinfo=SHANGHAI)
    end = dt.datetime(2026, 12, 11, 17, tzinfo=SHANGHAI)
    # 23:30 in Shanghai is the same local day, though another day in UTC.
    now = dt.datetime.combine(today, dt.time(23, 30), tzinfo=SHANGHAI)
    found = checkin_day_problem(start=start, end=end, now=now)
    assert (found is None) if problem is None else (problem in found)


def test_the_registration_list_exports_times_as_dates(client, open_roadshow, downloads):

    from spreadsheets import DATETIME_FORMAT

    users, _orgs, roadshow = open_roadshow
    r = registration_create(roadshow=roadshow, user=person("a"), attendance="onsite")
    ticket_check_in(
        roadshow=roadshow,
        code="RS1-" + r.secret,
        door="东门",
        scan_id="x1",
        by=users["organizer"],
    )
    r.refresh_from_db()
    client.force_login(users["organizer"])
    book = downloads.workbook(client, f"/checkin/{roadshow.pk}/registrations.xlsx")
    assert book.sheetnames == ["说明", "报名"]
    about = dict(book["说明"].iter_rows(values_only=True))
    assert about["筛选条件"] == f"路演：{roadshow.title}"
    assert about["行数"] == 1
    sheet = book["报名"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H2"
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    for name, moment in (("报名时间", r.created_at), ("签到时间", r.checked_in_at)):
        assert row[name].value == timezone.localtime(moment).replace(
            tzinfo=None, microsecond=0
        )
        assert row[name].number_format == DATETIME_FORMAT
    assert row["签到入口"].value == "东门"


def test_attachments_made_before_the_lock_are_the_registrations_own(
    open_roadshow, django_capture_on_commit_callbacks, monkeypatch
):
    """The ticket's QR code and the calendar file are made before the roadshow
    row is locked (a surge waits for that lock), from the roadshow as the page
    read it; what the lock finds wins: a roadshow changed meanwhile gets its
    new calendar file, the last place taken meanwhile the waitlist and no
    ticket."""
    from events import registrations
    from events.registrations import ticket_png

    _users, _orgs, roadshow = open_roadshow
    as_read = Roadshow.objects.get(pk=roadshow.pk)  # the page's copy
    Roadshow.objects.filter(pk=roadshow.pk).update(
        title="改期后的路演", updated_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = registration_create(
            roadshow=as_read, user=person("a"), attendance="onsite"
        )
    ticket, calendar = (a[1] for a in mail.outbox[0].attachments)
    assert ticket == ticket_png(first)
    assert "改期后的路演" in calendar and as_read.title not in calendar

    made_first = []
    real = registrations._Attachments.before_lock.__func__

    def racing(cls, **kwargs):
        made = real(cls, **kwargs)
        if not made_first:
            made_first.append(made)
            # someone else takes the last place before this one's lock
            registration_create(
                roadshow=roadshow, user=person("b"), attendance="onsite"
            )
        return made

    monkeypatch.setattr(registrations._Attachments, "before_lock", classmethod(racing))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        late = registration_create(
            roadshow=roadshow, user=person("d"), attendance="onsite"
        )
    assert made_first[0].ticket is not None  # made for a place it did not get
    assert late.status == "waitlisted"
    assert [m.to for m in mail.outbox] == [["b@example.cn"], ["d@example.cn"]]
    assert mail.outbox[1].attachments == []
