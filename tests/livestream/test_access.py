"""Viewers are judged again when their rights change (issue #12): an
organization's approval revoked, an account deactivated, a session signed
out, a roadshow cancelled or made investors-only — their open sockets close
(4403) while everyone else's stay open.  Through the real ASGI application,
with session cookies, and the changes made where people make them."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client as HttpClient

from accounts.enums import InvestorStatus
from tests.livestream.conftest import Client, run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _testserver(settings):
    settings.ALLOWED_HOSTS = ["testserver"]


def signed_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


class Browser(Client):
    """A live-room socket through roadshow.asgi, as a browser opens it: the
    Origin of the site and the session cookie of ``http`` (if any)."""

    def __init__(self, roadshow_id, http: HttpClient | None = None):
        from roadshow.asgi import application

        headers = [(b"origin", b"http://testserver")]
        if http is not None:
            cookie = f"sessionid={http.cookies['sessionid'].value}"
            headers.append((b"cookie", cookie.encode()))
        self.comm = WebsocketCommunicator(
            application, f"/ws/live/{roadshow_id}/", headers=headers
        )
        self.seq = None
        self.backlog = []

    async def refused(self, code="forbidden"):
        """The fatal error frame, then the close with 4403."""
        frame = await self.until(lambda f: f["t"] == "error", timeout=5)
        assert (frame["code"], frame["fatal"]) == (code, True)
        closed = await self.comm.receive_output(timeout=3)
        assert closed == {"type": "websocket.close", "code": 4403}

    async def still_open(self):
        await self.send(t="ping", ref="still")
        assert (await self.reply("still"))["t"] == "ack"


def _investors_only(live):
    roadshow = live["roadshow"]
    roadshow.investors_only = True
    roadshow.save()
    return roadshow


def test_revoking_an_organizations_approval_closes_its_members_sockets(live):
    roadshow = _investors_only(live)
    organizer = signed_in(live["organizer"])
    fund = live["investor"].memberships.get().organization

    def revoke():
        response = organizer.post(
            f"/admin/organization/edit/{fund.pk}/",
            {
                "name": fund.name,
                "kind": fund.kind,
                "credit_code": fund.credit_code,
                "investor_status": InvestorStatus.REJECTED,
                "contact_email": fund.contact_email,
            },
        )
        assert response.status_code == 302, response.context["form"].errors

    investor_http, other_http, again_http = (
        signed_in(live[name]) for name in ("investor", "enterprise", "investor")
    )

    async def scenario():
        investor = Browser(roadshow.pk, investor_http)
        other = Browser(roadshow.pk, other_http)  # another fund
        assert (await investor.connect())["t"] == "snapshot"
        assert (await other.connect())["t"] == "snapshot"
        await database_sync_to_async(revoke)()
        await investor.refused()
        await other.still_open()
        again = Browser(roadshow.pk, again_http)
        refusal = await again.connect()  # and coming back is refused too
        assert (refusal["t"], refusal["code"]) == ("error", "forbidden")
        await other.close()

    run(scenario)
    fund.refresh_from_db()
    assert fund.investor_status == InvestorStatus.REJECTED


def test_a_deactivated_users_socket_closes(live):
    roadshow = live["roadshow"]
    user = live["investor"]
    organizer = signed_in(live["organizer"])

    def deactivate():
        page = organizer.get(f"/admin/users/edit/{user.pk}/")
        form = page.context["form"]
        data = {
            name: value
            for name, value in form.initial.items()
            if value is not None and name not in ("password1", "password2")
        }
        data["groups"] = [g.pk for g in user.groups.all()]
        data.update(first_name="投资", last_name="人", email="investor@example.cn")
        data.pop("is_active", None)  # the unticked box
        response = organizer.post(f"/admin/users/edit/{user.pk}/", data)
        assert response.status_code == 302, response.context["form"].errors

    session = signed_in(user)

    async def scenario():
        viewer = Browser(roadshow.pk, session)
        watcher = Browser(roadshow.pk)  # anonymous
        assert (await viewer.connect())["me"]["id"] == user.pk
        await watcher.connect()
        await database_sync_to_async(deactivate)()
        await viewer.refused()
        await watcher.still_open()
        await watcher.close()

    run(scenario)
    user.refresh_from_db()
    assert user.is_active is False


def test_signing_out_closes_the_sockets_of_that_session_only(live):
    roadshow = live["roadshow"]
    user = live["investor"]
    phone, laptop = signed_in(user), signed_in(user)

    async def scenario():
        on_phone = Browser(roadshow.pk, phone)
        on_laptop = Browser(roadshow.pk, laptop)
        assert (await on_phone.connect())["me"]["id"] == user.pk
        assert (await on_laptop.connect())["me"]["id"] == user.pk
        response = await database_sync_to_async(phone.post)("/accounts/logout/")
        assert response.status_code == 302
        await on_phone.refused("signed_out")
        await on_laptop.still_open()
        await on_laptop.close()

    run(scenario)


def test_cancelling_a_live_roadshow_closes_every_viewers_socket(live):
    roadshow = live["roadshow"]
    organizer = signed_in(live["organizer"])

    def cancel():
        response = organizer.post(
            f"/admin/roadshows/{roadshow.pk}/transition/",
            {"action": "cancel", "note": "主讲人无法到场"},
        )
        assert response.status_code == 302

    investor_http = signed_in(live["investor"])

    async def scenario():
        anonymous = Browser(roadshow.pk)
        investor = Browser(roadshow.pk, investor_http)
        moderator = Browser(roadshow.pk, organizer)
        for viewer in (anonymous, investor, moderator):
            await viewer.connect()
        await database_sync_to_async(cancel)()
        await anonymous.refused()
        await investor.refused()
        await moderator.event("room", status="cancelled")
        await moderator.still_open()  # organizers still see the room
        await moderator.close()

    run(scenario)
    roadshow.refresh_from_db()
    assert roadshow.status == "cancelled"


def test_making_a_roadshow_investors_only_closes_other_viewers_sockets(live):
    roadshow = live["roadshow"]
    organizer = signed_in(live["organizer"])

    def restrict():
        url = f"/admin/roadshow/edit/{roadshow.pk}/"
        form = organizer.get(url).context["form"]
        data = {k: v for k, v in form.initial.items() if v is not None}
        data.update(
            {
                "start": roadshow.start.strftime("%Y-%m-%d %H:%M:%S"),
                "end": roadshow.end.strftime("%Y-%m-%d %H:%M:%S"),
                "co_hosts": [],
                "invited": [],
                "investors_only": "on",
            }
        )
        response = organizer.post(url, data)
        assert response.status_code == 302, response.context["form"].errors

    sessions = {
        name: signed_in(live[name]) for name in ("pending_investor", "investor", "team")
    }

    async def scenario():
        anonymous = Browser(roadshow.pk)
        pending = Browser(roadshow.pk, sessions["pending_investor"])
        investor = Browser(roadshow.pk, sessions["investor"])
        team = Browser(roadshow.pk, sessions["team"])  # presents here
        for viewer in (anonymous, pending, investor, team):
            await viewer.connect()
        await database_sync_to_async(restrict)()
        await anonymous.refused()
        await pending.refused()
        for viewer in (investor, team):
            await viewer.still_open()
            await viewer.close()

    run(scenario)
    roadshow.refresh_from_db()
    assert roadshow.investors_only is True


def test_a_new_password_closes_the_accounts_sockets(live):
    """A password reset (or an organizer setting a new one) signs every
    session of the account out; its open sockets close too (before: they
    stayed open until the page was left), other people's stay."""
    from django.contrib.auth.forms import SetPasswordForm

    roadshow = live["roadshow"]
    user = live["investor"]
    phone, laptop = signed_in(user), signed_in(user)
    other_http = signed_in(live["enterprise"])

    def reset():
        form = SetPasswordForm(
            user,
            {"new_password1": "Xin-mima-2026!", "new_password2": "Xin-mima-2026!"},
        )
        assert form.is_valid(), form.errors
        form.save()

    async def scenario():
        on_phone = Browser(roadshow.pk, phone)
        on_laptop = Browser(roadshow.pk, laptop)
        other = Browser(roadshow.pk, other_http)
        assert (await on_phone.connect())["me"]["id"] == user.pk
        assert (await on_laptop.connect())["me"]["id"] == user.pk
        assert (await other.connect())["t"] == "snapshot"
        await database_sync_to_async(reset)()
        await on_phone.refused("signed_out")
        await on_laptop.refused("signed_out")
        await other.still_open()
        await other.close()

    run(scenario)


def test_a_crowd_coming_in_together_is_judged_in_a_few_reads_each_as_itself(
    live, monkeypatch
):
    """Viewers arriving while the room's access is read wait for the next
    read, which judges them all (livestream.admission): forty at once cost a
    few reads, and each still gets their own verdict — the investor and the
    organizer theirs, the signed-out public refused by an investors-only
    room, the moderator a moderator's snapshot."""
    from livestream import selectors

    roadshow = _investors_only(live)
    reads = []
    real = selectors.accesses

    def counted(**kwargs):
        reads.append(len(kwargs["users"]))
        return real(**kwargs)

    monkeypatch.setattr(selectors, "accesses", counted)
    investor_http = signed_in(live["investor"])
    organizer_http = signed_in(live["organizer"])

    async def scenario():
        public = [Browser(roadshow.pk) for _ in range(36)]
        investors = [Browser(roadshow.pk, investor_http) for _ in range(3)]
        organizer = Browser(roadshow.pk, organizer_http)
        crowd = [*public, *investors, organizer]
        await asyncio.gather(*(b.comm.connect() for b in crowd))
        firsts = await asyncio.gather(*(b.until(lambda f: True) for b in crowd))
        for first in firsts[:36]:
            assert (first["t"], first["code"]) == ("error", "forbidden")
        for first in firsts[36:]:
            assert first["t"] == "snapshot", first
        assert [f["me"]["moderator"] for f in firsts[36:]] == [False] * 3 + [True]
        assert {f["me"]["id"] for f in firsts[36:39]} == {live["investor"].pk}
        for browser in [*investors, organizer]:
            await browser.close()

    run(scenario)
    assert sum(reads) == 40
    # How many reads depends on how the arrivals spread over the database
    # thread (5 on a loaded machine); the exact rule is pinned, with the
    # interleaving held still, in test_admission.  One read each would be 40.
    assert len(reads) <= 10, reads


def test_the_signed_out_public_arriving_together_shares_a_snapshot_read(
    live, monkeypatch
):
    """The room as the public sees it is the same for all of them: a crowd
    arriving together costs a few snapshot reads, not one each, and a
    signed-in viewer still gets their own."""
    from livestream import selectors

    reads = []
    real = selectors.snapshot

    def counted(**kwargs):
        reads.append(kwargs["user"].is_authenticated)
        return real(**kwargs)

    monkeypatch.setattr(selectors, "snapshot", counted)
    investor_http = signed_in(live["investor"])

    async def scenario():
        public = [Browser(live["roadshow"].pk) for _ in range(30)]
        investor = Browser(live["roadshow"].pk, investor_http)
        crowd = [*public, investor]
        await asyncio.gather(*(b.comm.connect() for b in crowd))
        firsts = await asyncio.gather(*(b.until(lambda f: True) for b in crowd))
        assert {f["t"] for f in firsts} == {"snapshot"}
        assert {f["me"]["id"] for f in firsts[:30]} == {None}
        assert firsts[30]["me"]["id"] == live["investor"].pk
        for browser in crowd:
            await browser.close()

    run(scenario)
    assert reads.count(True) == 1
    # Not one each (30); how few depends on the machine (test_admission).
    assert 1 <= reads.count(False) <= 8, reads
