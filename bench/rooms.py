"""Meeting rooms beside the live room: 200 meetings (400 participants, one
connection each) chatting at one message per participant every 5 s, while
1,000 viewers watch a live room receiving 2 events/s — on two Daphne workers
on Redis and PostgreSQL.  Unlike the live-room benchmark, nothing is pinned:
the two workers and the clients (this process) share the machine's cores
(ROOMS_BENCH_SERVER_CPUS pins the workers, e.g. "0"; the clients then take
the other cores).

Three phases, each after the workers are idle again:
  1. the live room alone (its baseline, in this same run);
  2. the meeting rooms alone: server CPU per chat message (both workers'
     user+system time over the window, over the messages sent);
  3. both at once: the figures the issue sets targets for — 0 lost, 0
     duplicated, private-room p99 ≤ 150 ms, live-room p99 still ≤ 250 ms.

A message's latency is from its send to its arrival at each participant of
its room (its sender included); lost and duplicated are counted per
participant against the room's log.  Ends with one JSON line.

Environment: ROOMS_BENCH_SECONDS (60), ROOMS_BENCH_MEETINGS (200),
ROOMS_BENCH_VIEWERS (1000), ROOMS_BENCH_INTERVAL (5: seconds between one
participant's messages).
"""

import asyncio
import datetime as dt
import json
import os
import random
import sys
import time

from bench.cluster import cluster
from bench.common import OUT, database_url, django_setup, percentile
from bench.live import (
    BASE_RATE,
    DRAIN,
    PlatformPublisher,
    Viewer,
    client_frame,
    close_viewers,
    cpu_seconds,
    live_roadshow,
    open_viewers,
    session_of,
    settle,
)

SECONDS = float(os.environ.get("ROOMS_BENCH_SECONDS", "60"))
MEETINGS = int(os.environ.get("ROOMS_BENCH_MEETINGS", "200"))
VIEWERS = int(os.environ.get("ROOMS_BENCH_VIEWERS", "1000"))
INTERVAL = float(os.environ.get("ROOMS_BENCH_INTERVAL", "5"))
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/5")
SERVER_CPUS = os.environ.get("ROOMS_BENCH_SERVER_CPUS") or None


# ---------------------------------------------------------------- the data


def meeting_market(n: int):
    """A roadshow with a matchmaking session, one slot on now, ``n`` online
    rooms and ``n`` published meetings: one team (n members) meeting n
    approved investor organizations (one member each) about one
    achievement.  Returns (roadshow, meetings, {meeting id: (team user,
    investor user)})."""
    from django.utils import timezone

    from accounts.enums import InvestorStatus, OrganizationKind, Role
    from accounts.models import Membership, Organization, User
    from achievements.models import Achievement, IndustryField
    from events.models import Roadshow
    from matchmaking.models import (
        MatchSession,
        MatchSlot,
        Meeting,
        MeetingRequest,
        MeetingSeat,
        Place,
    )

    now = timezone.now()
    field = IndustryField.objects.order_by("pk").first()
    host, _ = Organization.objects.get_or_create(
        name="基准测试主办方", defaults={"kind": OrganizationKind.TORCH_CENTRE}
    )
    team_org, _ = Organization.objects.get_or_create(
        name="基准测试大学", defaults={"kind": OrganizationKind.UNIVERSITY}
    )
    teams, investors, funds = [], [], []
    for i in range(n):
        fund, _ = Organization.objects.get_or_create(
            name=f"基准测试基金{i:03d}",
            defaults={
                "kind": OrganizationKind.MARKET_FUND,
                "investor_status": InvestorStatus.APPROVED,
            },
        )
        funds.append(fund)
        for name, org, role, people in (
            (f"bench-meet-team-{i:03d}", team_org, Role.TEAM, teams),
            (f"bench-meet-fund-{i:03d}", fund, Role.INVESTOR, investors),
        ):
            user, created = User.objects.get_or_create(
                username=name, defaults={"name": name[-8:]}
            )
            if created:
                Membership.objects.create(user=user, organization=org, role=role)
            people.append(user)
    achievement = Achievement.objects.filter(
        owner=team_org, title="基准测试成果"
    ).first() or Achievement.objects.create(
        owner=team_org,
        title="基准测试成果",
        summary="基准测试",
        field=field,
        trl=5,
    )
    roadshow = Roadshow.objects.create(
        kind="field",
        field=field,
        title=f"洽谈室基准测试 {n} 场",
        lead_host=host,
        start=now - dt.timedelta(minutes=10),
        end=now + dt.timedelta(hours=2),
        status="live",
        first_published_at=now,
    )
    session = MatchSession.objects.create(
        roadshow=roadshow,
        starts_at=roadshow.start,
        ends_at=roadshow.end,
        schedule_published_at=now,
    )
    slot = MatchSlot.objects.create(
        session=session,
        index=0,
        start=now - dt.timedelta(minutes=5),
        end=now + dt.timedelta(hours=1),
    )
    places = Place.objects.bulk_create(
        Place(session=session, kind="online", name=f"线上{i + 1:03d}") for i in range(n)
    )
    pairs = {}
    meetings = []
    for i in range(n):
        request = MeetingRequest.objects.create(
            session=session,
            achievement=achievement,
            team_org=team_org,
            investor_org=funds[i],
            direction="to_team",
            requester=investors[i],
            place_kind="online",
            status="accepted",
            expires_at=now + dt.timedelta(days=1),
            responded_by=teams[i],
            responded_at=now,
        )
        request.attendees.set([teams[i]])
        meeting = Meeting.objects.create(
            request=request,
            session=session,
            slot=slot,
            place=places[i],
            published_at=now,
        )
        MeetingSeat.objects.bulk_create(
            MeetingSeat(meeting=meeting, user=u, slot=slot)
            for u in (teams[i], investors[i])
        )
        meetings.append(meeting)
        pairs[meeting.pk] = (teams[i], investors[i])
    return roadshow, meetings, pairs


def remove_market(roadshow) -> None:
    from bench.common import remove_roadshows
    from matchmaking.models import Meeting, MeetingRequest

    Meeting.objects.filter(session__roadshow=roadshow).delete()
    MeetingRequest.objects.filter(session__roadshow=roadshow).delete()
    remove_roadshows(pks=[roadshow.pk])


# ---------------------------------------------------------------- the clients


class Participant:
    """One person in a meeting room: a connection that records every event
    frame (sequence number, arrival) and sends chat messages."""

    def __init__(self, meeting_id: int, port: int, session: str):
        self.meeting_id, self.port, self.session = meeting_id, port, session
        self.viewer: Viewer | None = None
        self.sent: dict[str, float] = {}

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        opened = loop.create_future()
        self.viewer = Viewer(
            f"127.0.0.1:{self.port}",
            f"/ws/meet/{self.meeting_id}/",
            opened,
            cookie=self.session,
        )
        await loop.create_connection(lambda: self.viewer, "127.0.0.1", self.port)
        await asyncio.wait_for(opened, 30)

    def say(self) -> None:
        cid = os.urandom(8).hex()
        frame = json.dumps(
            {
                "v": 1,
                "t": "chat",
                "cid": cid,
                "text": f"基准测试消息 {cid[:6]}：中试数据何时可以提供？",
            },
            ensure_ascii=False,
        ).encode()
        self.sent[cid] = time.monotonic()
        self.viewer.transport.write(client_frame(frame))

    async def talk(self, seconds: float) -> None:
        await asyncio.sleep(random.random() * INTERVAL)  # not all at once
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while loop.time() < end:
            self.say()
            await asyncio.sleep(INTERVAL)


async def open_participants(pairs, sessions, ports) -> list[Participant]:
    people = []
    for i, (meeting_id, users) in enumerate(pairs.items()):
        for j, user in enumerate(users):
            # The two sides of a meeting on different workers: every message
            # crosses Redis.
            people.append(
                Participant(meeting_id, ports[(i + j) % 2], sessions[user.pk])
            )
    gate = asyncio.Semaphore(8)

    async def one(p):
        async with gate:
            await p.connect()

    await asyncio.gather(*(one(p) for p in people))
    return people


async def room_phase(people, pids, seconds) -> dict:
    """Everyone talks for ``seconds``; the figures from the rooms' logs."""
    from channels.db import database_sync_to_async

    from meetrooms.models import RoomEvent

    await settle(pids)
    marks = [len(p.viewer.seen) for p in people]
    for p in people:
        p.sent.clear()
    cpu0 = cpu_seconds(pids)
    await asyncio.gather(*(p.talk(seconds) for p in people))
    await asyncio.sleep(DRAIN)
    cpu = cpu_seconds(pids) - cpu0
    sent_at = {cid: at for p in people for cid, at in p.sent.items()}

    def log():
        rows = RoomEvent.objects.filter(
            kind="chat", room__meeting_id__in={p.meeting_id for p in people}
        ).values_list("room__meeting_id", "seq", "data__cid")
        return [(m, s, c) for m, s, c in rows if c in sent_at]

    rows = await database_sync_to_async(log)()
    by_room: dict[int, dict[int, float]] = {}
    for meeting_id, seq, cid in rows:
        by_room.setdefault(meeting_id, {})[seq] = sent_at[cid]
    lost = duplicated = delivered = 0
    latencies = []
    for p, mark in zip(people, marks, strict=True):
        expected = by_room.get(p.meeting_id, {})
        got: set[int] = set()
        for seq, at in p.viewer.seen[mark:]:
            if seq not in expected:
                continue
            if seq in got:
                duplicated += 1
                continue
            got.add(seq)
            latencies.append((at - expected[seq]) * 1000)
        lost += len(expected) - len(got)
        delivered += len(got)
    messages = len(rows)
    return {
        "messages": messages,
        "sent": len(sent_at),
        "refused_or_unwritten": len(sent_at) - messages,
        "deliveries": delivered,
        "lost": lost,
        "duplicated": duplicated,
        "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
        "cpu_ms_per_message": round(cpu / messages * 1000, 2) if messages else None,
    }


async def live_phase(viewers, publisher, pids, seconds, settle_first=True) -> dict:
    if settle_first:
        await settle(pids)
    marks = [len(v.seen) for v in viewers]
    published = await publisher.run(BASE_RATE, seconds)
    await asyncio.sleep(DRAIN)
    lost = duplicated = 0
    latencies = []
    for viewer, mark in zip(viewers, marks, strict=True):
        got: set[int] = set()
        for seq, at in viewer.seen[mark:]:
            if seq not in published:
                continue
            if seq in got:
                duplicated += 1
                continue
            got.add(seq)
            latencies.append((at - published[seq]) * 1000)
        lost += len(published) - len(got)
    return {
        "events": len(published),
        "lost": lost,
        "duplicated": duplicated,
        "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
    }


async def run(ports, pids, live_ids, live_session, pairs, sessions) -> dict:
    roadshow_id, room_id = live_ids
    publisher = PlatformPublisher(ports[0], roadshow_id, room_id, live_session)
    await publisher.connect()
    viewers = await open_viewers(ports, f"/ws/live/{roadshow_id}/", VIEWERS)
    people = await open_participants(pairs, sessions, ports)
    await asyncio.sleep(3)
    live_alone = await live_phase(viewers, publisher, pids, SECONDS / 2)
    print(f"  live room alone: {json.dumps(live_alone)}", flush=True)
    rooms_alone = await room_phase(people, pids, SECONDS / 2)
    print(f"  meeting rooms alone: {json.dumps(rooms_alone)}", flush=True)
    await settle(pids)
    rooms, live = await asyncio.gather(
        room_phase(people, pids, SECONDS),
        live_phase(viewers, publisher, pids, SECONDS, False),
    )
    print(f"  together — meeting rooms: {json.dumps(rooms)}", flush=True)
    print(f"  together — live room: {json.dumps(live)}", flush=True)
    close_viewers(viewers)
    close_viewers([p.viewer for p in people])
    await asyncio.sleep(2)
    return {
        "live_alone": live_alone,
        "rooms_alone": rooms_alone,
        "rooms": rooms,
        "live": live,
    }


def main() -> int:
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    django_setup("postgresql")
    if SERVER_CPUS:
        server = {int(c) for c in SERVER_CPUS.split(",")}
        os.sched_setaffinity(0, (os.sched_getaffinity(0) - server) or server)
    roadshow, meetings, pairs = meeting_market(MEETINGS)
    live, live_room, asker = live_roadshow(VIEWERS)
    sessions = {user.pk: session_of(user) for users in pairs.values() for user in users}
    env = {
        "DATABASE_URL": database_url("postgresql"),
        "REDIS_URL": REDIS_URL,
        "DB_POOL_MAX": "8",
    }
    try:
        with cluster(
            n=2,
            settings="bench.settings",
            env=env,
            logs=OUT / "rooms",
            cpus=SERVER_CPUS,
        ) as (workers, _balancer):
            ports = [w.port for w in workers]
            pids = [w.process.pid for w in workers]
            result = asyncio.run(
                run(
                    ports,
                    pids,
                    (live.pk, live_room.pk),
                    session_of(asker),
                    pairs,
                    sessions,
                )
            )
    finally:
        remove_market(roadshow)
        from bench.common import remove_roadshows

        remove_roadshows(pks=[live.pk])
    rooms, live_r, alone = result["rooms"], result["live"], result["live_alone"]
    ratio = (
        round(live_r["p99_ms"] / alone["p99_ms"], 2)
        if live_r["p99_ms"] and alone["p99_ms"]
        else None
    )
    print()
    print(
        f"{MEETINGS} meetings ({2 * MEETINGS} participants) beside {VIEWERS} live viewers: "
        f"rooms p99 {rooms['p99_ms']} ms (target ≤ 150), lost {rooms['lost']}, dup {rooms['duplicated']}; "
        f"live p99 {live_r['p99_ms']} ms (target ≤ 250; alone {alone['p99_ms']} ms, ratio {ratio}); "
        f"{result['rooms_alone']['cpu_ms_per_message']} ms server CPU per chat message"
    )
    print(
        json.dumps(
            {
                "bench": "rooms",
                "meetings": MEETINGS,
                "participants": 2 * MEETINGS,
                "live_viewers": VIEWERS,
                "messages": rooms["messages"],
                "rooms_lost": rooms["lost"],
                "rooms_duplicated": rooms["duplicated"],
                "rooms_p50_ms": rooms["p50_ms"],
                "rooms_p99_ms": rooms["p99_ms"],
                "cpu_ms_per_message": result["rooms_alone"]["cpu_ms_per_message"],
                "live_lost": live_r["lost"],
                "live_duplicated": live_r["duplicated"],
                "live_p99_ms": live_r["p99_ms"],
                "live_alone_p99_ms": alone["p99_ms"],
                "live_p99_ratio": ratio,
            }
        )
    )
    return 0


if __name__ == "__main__":
    random.seed(1)
    sys.exit(main())
