"""A Redis restart in the middle of a live roadshow (issue #16's second
drill, on a throwaway Redis of the test's own): while Redis is down the room
degrades — questions are still taken, pages still render, viewers get the
questions from the database —, and once it is back the hub joins its group
again at once, so questions are pushed again, not left to the database
check."""

import asyncio
import time
import urllib.request

import pytest
from asgiref.sync import async_to_sync

from bench.faults import ThrowawayRedis
from livestream.broadcast import group_of
from livestream.models import Question
from tests.livestream.cluster import Viewer, session_of, workers

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _redis():
    try:
        return ThrowawayRedis()
    except FileNotFoundError:
        pytest.skip("redis-server is not installed")


def test_a_redis_restart_loses_nothing_and_pushing_resumes(live, tmp_path):
    roadshow_id = live["roadshow"].pk
    group_key = f"asgi:group:{group_of(live['room'].pk)}"
    asker_session = session_of(live["investor"])

    with _redis() as redis, workers(1, tmp_path, REDIS_URL=redis.url) as (procs, _):
        (worker,) = procs

        def page_status() -> int:
            url = f"http://127.0.0.1:{worker.port}/live/{roadshow_id}/"
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status

        async def scenario():
            viewer = Viewer(roadshow_id)
            asker = Viewer(roadshow_id, asker_session)
            await viewer.connect(worker.port)
            await asker.connect(worker.port)

            async def ask(n: int) -> float:
                """Ask; how long until the viewer had it."""
                sent = time.monotonic()
                ack = await asker.send(t="ask", cid=f"q{n}", text=f"问题{n}")
                assert ack["t"] == "ack", ack
                await viewer.until(
                    lambda: any(
                        e["data"].get("id") == ack["id"] for e in viewer.events
                    ),
                    timeout=15,
                )
                return time.monotonic() - sent

            assert await ask(0) < 1.0  # pushed
            assert redis.command("EXISTS", group_key) == ":1"

            redis.stop()
            # Down: the question is taken (the rate limit counts in the
            # worker's memory meanwhile) and reaches the viewer through the
            # hub's database check; pages still render.
            assert await ask(1) < 12
            assert await asyncio.to_thread(page_status) == 200

            redis.start()  # empty: every group is gone
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 10
            while redis.command("EXISTS", group_key) != ":1":
                assert loop.time() < deadline, "the hub did not join its group again"
                await asyncio.sleep(0.1)
            # Pushed again: each well under the database check's interval.
            delays = [await ask(n) for n in (2, 3, 4)]
            assert max(delays) < 1.0, delays

            assert viewer.seqs() == list(range(1, viewer.seq + 1))  # none twice
            await viewer.close()
            await asker.close()

        async_to_sync(scenario)()

    assert list(Question.objects.order_by("pk").values_list("text", flat=True)) == [
        f"问题{n}" for n in range(5)
    ]
