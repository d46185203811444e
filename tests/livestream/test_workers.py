"""Two Daphne worker processes on one PostgreSQL and one Redis: everyone
sees the same room, and when a worker is killed its viewers reconnect to the
other and miss nothing."""

import pytest
from asgiref.sync import async_to_sync

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
