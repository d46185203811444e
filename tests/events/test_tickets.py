"""What a ticket is (a confirmed on-site registration) is defined once; every
path that asks — the ticket page and its QR code, the door's scan (the ORM on
SQLite, one SQL statement on PostgreSQL), the door's counter, the organizers'
list of who has not checked in, the capacity — gives the same answer."""

import datetime as dt
import itertools
import json

import pytest

from events.enums import Attendance, RegistrationStatus, ScanResult
from events.models import Registration
from events.registrations import _new_secret, places_left, short_code_of
from events.services import roadshow_transition
from tests.factories import make_user
from tests.factories.events import make_roadshow

KINDS = list(itertools.product(RegistrationStatus, Attendance))
REFUSED = {
    RegistrationStatus.WAITLISTED: ScanResult.WAITLISTED,
    RegistrationStatus.CANCELLED: ScanResult.CANCELLED,
}


@pytest.fixture
def every_kind(roles):
    """One registration of every status and attendance, on a hybrid roadshow."""
    users, orgs = roles
    roadshow = roadshow_transition(
        roadshow=make_roadshow(
            lead_host=orgs["torch"],
            capacity=5,
            day=dt.date.today() + dt.timedelta(days=20),
        ),
        action="publish",
        by=users["organizer"],
    )
    registrations = {}
    for status, attendance in KINDS:
        user = make_user(username=f"{status}-{attendance}")
        user.email = f"{status}-{attendance}@example.cn"
        user.save()
        secret = _new_secret()
        registrations[status, attendance] = Registration.objects.create(
            roadshow=roadshow,
            user=user,
            status=status,
            attendance=attendance,
            secret=secret,
            short_code=short_code_of(secret),
        )
    return users, roadshow, registrations


def test_one_definition_of_a_ticket_answers_every_path(client, every_kind):
    users, roadshow, registrations = every_kind
    ticket = registrations[RegistrationStatus.CONFIRMED, Attendance.ONSITE]
    assert list(Registration.objects.tickets()) == [ticket]
    assert [r for r in registrations.values() if r.has_ticket] == [ticket]
    assert places_left(roadshow=roadshow) == 4

    # The holder's page: a QR code for the ticket only.
    for registration in registrations.values():
        client.force_login(registration.user)
        page = client.get(f"/workspace/registrations/{registration.pk}/")
        qr = client.get(f"/workspace/registrations/{registration.pk}/qr.png")
        if registration == ticket:
            assert "<svg" in page.content.decode() and qr.status_code == 200
            assert qr["Content-Type"] == "image/png"
        else:
            assert "<svg" not in page.content.decode() and qr.status_code == 404

    # The organizers' page: who has not checked in yet; the door's counter.
    client.force_login(users["organizer"])
    manage = client.get(f"/admin/roadshows/{roadshow.pk}/manage/").content.decode()
    for registration in registrations.values():
        assert (registration.user.email in manage) == (registration == ticket)
    assert client.get(f"/checkin/{roadshow.pk}/counts/").json() == {
        "registered": 1,
        "checked_in": 0,
        "waitlisted": 2,
        "online": 1,
    }

    # The door: only the ticket checks in; each other says why not.
    for (status, _attendance), registration in registrations.items():
        body = client.post(
            f"/checkin/{roadshow.pk}/scan/",
            json.dumps(
                {
                    "code": registration.short_code,
                    "scan_id": f"s-{registration.pk}",
                    "confirm_off_day": True,  # the roadshow is in 20 days
                }
            ),
            content_type="application/json",
        ).json()
        expected = (
            ScanResult.OK
            if registration == ticket
            else REFUSED.get(status, ScanResult.ONLINE)
        )
        assert (body["result"], body["ok"]) == (expected, registration == ticket)
    assert client.get(f"/checkin/{roadshow.pk}/counts/").json()["checked_in"] == 1
    manage = client.get(f"/admin/roadshows/{roadshow.pk}/manage/").content.decode()
    assert ticket.user.email not in manage
