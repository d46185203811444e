"""Two Daphne worker processes on one PostgreSQL and one Redis: everyone
sees the same room, and when a worker is killed its viewers reconnect to the
other and miss nothing."""

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from livestream.models import Question, RoomEvent
from tests.livestream.cluster import Viewer, session_of, workers

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_one_room_across_workers_and_a_killed_worker_loses_nothing(live, tmp_path):
    roadshow_id = live["roadshow"].pk
    sessions = {
        name: session_of(live[name]) for name in ("investor", "enterprise", "organizer")
    }

    with workers(2, tmp_path) as (procs, _balancer):
        a, b = procs

        async def scenario():
            watcher = Viewer(roadshow_id)  # anonymous, on A
            voter = Viewer(roadshow_id, sessions["enterprise"])  # on A
            asker = Viewer(roadshow_id, sessions["investor"])  # on B
            moderator = Viewer(roadshow_id, sessions["organizer"])  # on B
            await watcher.connect(a.port)
            await voter.connect(a.port)
            await asker.connect(b.port)
            await moderator.connect(b.port)

            ids = []
            for n in range(3):
                ack = await asker.send(t="ask", cid=f"q{n}", text=f"问题{n}")
                assert ack["t"] == "ack", ack
                ids.append(ack["id"])
            await watcher.until(lambda: len(watcher.events) >= 3)
            assert [e["data"]["text"] for e in watcher.events] == [
                "问题0",
                "问题1",
                "问题2",
            ]

            assert (await voter.send(t="vote", id=ids[1], on=True))["t"] == "ack"
            await asker.until(
                lambda: any(
                    e["kind"] == "votes" and e["data"] == {"id": ids[1], "votes": 1}
                    for e in asker.events
                )
            )
            # Presence counts the viewers of both workers.
            for viewer in (watcher, asker):
                await viewer.until(lambda v=viewer: v.presence == 4)

            a.kill()  # a crash: no clean shutdown
            await watcher.until(lambda: watcher.ws.state.name == "CLOSED")
            for n in range(3, 5):  # the asker's five a minute
                ack = await asker.send(t="ask", cid=f"q{n}", text=f"问题{n}")
                ids.append(ack["id"])
            assert (await moderator.send(t="moderate", id=ids[4], action="pin"))[
                "t"
            ] == "ack"

            await watcher.connect(b.port)  # the client's reconnect, to the live worker
            await voter.connect(b.port)
            last = max(asker.seqs())
            for viewer in (watcher, voter):
                await viewer.until(lambda v=viewer: v.seq == last)
                assert viewer.snapshots == 1  # resumed, not re-snapshotted
                assert viewer.seqs() == list(range(1, last + 1))  # no gap, no duplicate
            assert [
                e["data"]["text"] for e in watcher.events if e["kind"] == "question"
            ] == [f"问题{n}" for n in range(5)]
            assert watcher.events[-1] == {
                "seq": last,
                "kind": "pin",
                "data": {"id": ids[4]},
            }

            # The room goes on: a question asked now reaches everyone once.
            await voter.send(t="ask", cid="after", text="重连之后的问题")
            for viewer in (watcher, asker, moderator):
                await viewer.until(lambda v=viewer: v.seq == last + 1)
                assert len(set(viewer.seqs())) == len(viewer.seqs())
            for viewer in (watcher, voter, asker, moderator):
                await viewer.close()

        async_to_sync(scenario)()

    assert Question.objects.count() == 6
    assert RoomEvent.objects.filter(room=live["room"]).count() == 8


def test_reconnect_storm_and_oversized_frames_are_absorbed(live, tmp_path):
    """300 viewers connecting in the same instant all get their room; a 2 MB
    frame closes only its sender's connection."""
    roadshow_id = live["roadshow"].pk
    session = session_of(live["investor"])

    with workers(2, tmp_path) as (procs, _balancer):
        ports = [w.port for w in procs]

        async def scenario():
            watcher = Viewer(roadshow_id, session)
            await watcher.connect(ports[0])
            storm = [Viewer(roadshow_id) for _ in range(300)]
            firsts = await asyncio.gather(
                *(v.connect(ports[i % 2]) for i, v in enumerate(storm))
            )
            assert {f["t"] for f in firsts} == {"snapshot"}

            big = Viewer(roadshow_id, session)
            await big.connect(ports[1])
            await big.ws.send("x" * (2 * 1024 * 1024))
            await big.until(lambda: big.ws.state.name == "CLOSED")
            # Over Daphne's 1 MB limit the sender is dropped (autobahn fails the
            # connection by dropping it); frames over 8 KB but under the limit
            # get an error frame (test_bad_input).
            assert big.ws.close_code in (1006, 1009)

            ack = await watcher.send(t="ask", cid="after-storm", text="风暴之后的问题")
            assert ack["t"] == "ack"
            for viewer in (storm[0], storm[1], storm[-1]):
                await viewer.until(
                    lambda v=viewer: any(e["kind"] == "question" for e in v.events)
                )
            for viewer in (watcher, big, *storm):
                await viewer.close()

        async_to_sync(scenario)()


def test_rights_taken_away_in_one_process_close_sockets_on_every_worker(live, tmp_path):
    """The notice travels through Redis: an organization's approval revoked,
    and a session signed out, in this process close the viewers' sockets on
    both workers (4403); the others' stay open."""
    from django.test import Client as HttpClient

    from accounts.enums import InvestorStatus

    roadshow = live["roadshow"]
    roadshow.investors_only = True
    roadshow.save()
    sessions = {
        name: session_of(live[name]) for name in ("investor", "enterprise", "team")
    }
    leaving = HttpClient()
    leaving.force_login(live["enterprise"])

    def revoke():
        fund = live["investor"].memberships.get().organization
        fund.investor_status = InvestorStatus.REJECTED
        fund.save()

    def sign_out():
        assert leaving.post("/accounts/logout/").status_code == 302

    with workers(2, tmp_path) as (procs, _balancer):
        a, b = procs

        async def closed(viewer, code):
            error = await viewer.frame(lambda f: f["t"] == "error")
            assert (error["code"], error["fatal"]) == (code, True)
            await viewer.until(lambda: viewer.ws.state.name == "CLOSED")
            assert viewer.ws.close_code == 4403

        async def scenario():
            investor_a = Viewer(roadshow.pk, sessions["investor"])
            investor_b = Viewer(roadshow.pk, sessions["investor"])
            team = Viewer(roadshow.pk, sessions["team"])
            enterprise = Viewer(roadshow.pk, sessions["enterprise"])
            leaving_b = Viewer(roadshow.pk, leaving.cookies["sessionid"].value)
            for viewer, worker in (
                (investor_a, a),
                (investor_b, b),
                (team, a),
                (enterprise, b),
                (leaving_b, b),
            ):
                assert (await viewer.connect(worker.port))["t"] == "snapshot"
            await sync_to_async(revoke)()  # in this test's thread
            await closed(investor_a, "forbidden")
            await closed(investor_b, "forbidden")
            await sync_to_async(sign_out)()
            await closed(leaving_b, "signed_out")
            for viewer in (team, enterprise):
                assert (await viewer.send(t="ping"))["t"] == "ack"
                await viewer.close()

        async_to_sync(scenario)()
