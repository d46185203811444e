"""What one more worker costs the rest: one live room's viewers spread evenly
over 2, 4 and 6 Daphne workers (several per core: the workers pinned to one
core, the clients to the other, as ``live`` does) on one Redis of the
benchmark's own (a throwaway ``redis-server``, so that its counters are this
benchmark's alone) and PostgreSQL, a question asked over the room's WebSocket
at a steady rate.  Per number of workers, each run at least twice (medians):

- Redis work per event: commands (``INFO commandstats`` deltas, by command),
  Redis CPU (``used_cpu_sys`` + ``used_cpu_user``) and bytes in and out,
  each net of what Redis does with the viewers connected and no event (the
  hubs' blocking reads), measured over an idle window first;
- the workers' CPU (user + system from ``/proc/<pid>/stat``) per event and
  per viewer per event, net of idle, and the idle cost of a connection (CPU
  per second with the viewers connected, less the workers' own idle CPU);
- delivery: lost and duplicated events (every viewer checks every sequence
  number), publish-to-delivery latency p50/p99.

The baseline is 2 workers, in the same run: the figures for 4 and 6 are
printed as ratios of it.  Then several rooms on 4 workers (10 rooms of 60
viewers, each room at the same rate) against one room of 600 on 4 workers:
the cost of a room's hubs.

Environment: SCALE_BENCH_VIEWERS (600), SCALE_BENCH_RATE (2 events/s per
room), SCALE_BENCH_SECONDS (30), SCALE_BENCH_IDLE_SECONDS (20),
SCALE_BENCH_WORKERS ("2,4,6"), SCALE_BENCH_RUNS (2), SCALE_BENCH_ROOMS
("10x60@4"; empty to skip), SCALE_BENCH_SERVER_CPUS ("0"; empty: unpinned),
SCALE_BENCH_REDIS (a Redis URL to use instead of a throwaway server; its
counters are then the whole server's).
"""

import asyncio
import contextlib
import json
import os
import statistics
import sys
import time
from contextlib import ExitStack

from bench.cluster import Worker
from bench.common import (
    OUT,
    database_url,
    django_setup,
    live_roadshow,
    percentile,
    remove_roadshows,
)
from bench.live import (
    DRAIN,
    PlatformPublisher,
    close_viewers,
    cpu_seconds,
    deliveries,
    open_viewers,
    rss_kb,
    session_of,
    settle,
)

VIEWERS = int(os.environ.get("SCALE_BENCH_VIEWERS", "600"))
RATE = float(os.environ.get("SCALE_BENCH_RATE", "2"))
SECONDS = float(os.environ.get("SCALE_BENCH_SECONDS", "30"))
IDLE_SECONDS = float(os.environ.get("SCALE_BENCH_IDLE_SECONDS", "20"))
WORKERS = [int(n) for n in os.environ.get("SCALE_BENCH_WORKERS", "2,4,6").split(",")]
RUNS = int(os.environ.get("SCALE_BENCH_RUNS", "2"))
ROOMS = os.environ.get("SCALE_BENCH_ROOMS", "10x60@4")
SERVER_CPUS = os.environ.get("SCALE_BENCH_SERVER_CPUS", "0") or None
CLIENT_CPUS = {1}
EXTERNAL_REDIS = os.environ.get("SCALE_BENCH_REDIS", "")


# ---------------------------------------------------------------- Redis


def redis_snapshot(client) -> dict:
    info = client.info("all")  # one call: commandstats, cpu and stats
    return {
        "at": time.monotonic(),
        "commands": {
            key.removeprefix("cmdstat_"): value["calls"]
            for key, value in info.items()
            if key.startswith("cmdstat_")
        },
        "cpu": info["used_cpu_sys"] + info["used_cpu_user"],
        "in": info["total_net_input_bytes"],
        "out": info["total_net_output_bytes"],
    }


def redis_delta(before: dict, after: dict, overhead: dict | None = None) -> dict:
    """What Redis did between two snapshots, less one snapshot's own cost."""
    commands = {
        name: calls - before["commands"].get(name, 0)
        for name, calls in after["commands"].items()
        if name != "info"
    }
    delta = {
        "seconds": after["at"] - before["at"],
        "commands": {k: v for k, v in commands.items() if v},
        "cpu": after["cpu"] - before["cpu"],
        "in": after["in"] - before["in"],
        "out": after["out"] - before["out"],
    }
    if overhead:
        for key in ("cpu", "in", "out"):
            delta[key] -= overhead[key]
    return delta


def net_of_idle(busy: dict, idle: dict) -> dict:
    """``busy`` less what ``idle`` did per second over as many seconds."""
    scale = busy["seconds"] / idle["seconds"]
    names = set(busy["commands"]) | set(idle["commands"])
    return {
        "commands": {
            name: busy["commands"].get(name, 0) - idle["commands"].get(name, 0) * scale
            for name in names
        },
        "cpu": busy["cpu"] - idle["cpu"] * scale,
        "in": busy["in"] - idle["in"] * scale,
        "out": busy["out"] - idle["out"] * scale,
    }


# ---------------------------------------------------------------- one configuration


async def idle_window(pids: list[int], redis, overhead: dict) -> tuple[float, dict]:
    """Workers' CPU seconds per second and Redis's delta over an idle window."""
    await settle(pids)
    r0, cpu0, t0 = redis_snapshot(redis), cpu_seconds(pids), time.monotonic()
    await asyncio.sleep(IDLE_SECONDS)
    cpu = (cpu_seconds(pids) - cpu0) / (time.monotonic() - t0)
    return cpu, redis_delta(r0, redis_snapshot(redis), overhead)


async def measure(
    *, rooms: list[tuple[int, int, int]], session: str, ports, pids, redis
) -> dict:
    """``rooms``: (roadshow id, room id, viewers) each; one publisher per room,
    on the workers in turn; each room's viewers spread evenly over them."""
    # A snapshot's own cost (the INFO reply), taken off every delta.
    s1 = redis_snapshot(redis)
    overhead = redis_delta(s1, redis_snapshot(redis))
    overhead["cpu"] = max(overhead["cpu"], 0.0)
    n = sum(v for _r, _room, v in rooms)
    bare_cpu, _ = await idle_window(pids, redis, overhead)
    rss_before = rss_kb(pids)
    audiences = []
    for i, (roadshow_id, _room_id, count) in enumerate(rooms):
        turn = ports[i % len(ports) :] + ports[: i % len(ports)]
        # A few at a time: the room accepts a socket after its first database
        # read, and a crowd on a loaded core outlasts Daphne's 5 s handshake
        # limit (README, "the reconnect storm").
        audiences.append(
            await open_viewers(turn, f"/ws/live/{roadshow_id}/", count, at_once=16)
        )
    await asyncio.sleep(3)  # first frames, presence
    kb_per_connection = (rss_kb(pids) - rss_before) / n
    with_viewers_cpu, idle = await idle_window(pids, redis, overhead)
    publishers = []
    for i, (roadshow_id, room_id, _count) in enumerate(rooms):
        publisher = PlatformPublisher(
            ports[i % len(ports)], roadshow_id, room_id, session
        )
        await publisher.connect()
        publishers.append(publisher)

    await settle(pids)
    marks = [[len(v.seen) for v in viewers] for viewers in audiences]
    r0, cpu0 = redis_snapshot(redis), cpu_seconds(pids)
    published = await asyncio.gather(*(p.run(RATE, SECONDS) for p in publishers))
    await asyncio.sleep(DRAIN)
    cpu = cpu_seconds(pids) - cpu0
    busy = redis_delta(r0, redis_snapshot(redis), overhead)
    for viewers in audiences:
        close_viewers(viewers)
    for publisher in publishers:
        publisher.transport.close()
    await asyncio.sleep(2)

    lost = duplicated = delivered = 0
    latencies: list[float] = []
    for viewers, room_marks, room_published in zip(
        audiences, marks, published, strict=True
    ):
        got = deliveries(viewers, room_marks, room_published)
        lost += got["lost"]
        duplicated += got["duplicated"]
        delivered += got["delivered"]
        latencies += got["latencies"]
    events = sum(len(p) for p in published)
    net = net_of_idle(busy, idle)
    cpu_net = cpu - with_viewers_cpu * busy["seconds"]
    return {
        "workers": len(pids),
        "rooms": len(rooms),
        "viewers": n,
        "events": events,
        "lost": lost,
        "duplicated": duplicated,
        "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
        # As ``live`` counts it: all the workers' CPU over the window.
        "us_per_viewer": round(cpu / delivered * 1e6, 2) if delivered else None,
        # Net of what the workers spend with the viewers connected and idle.
        "us_per_viewer_net": round(cpu_net / delivered * 1e6, 2) if delivered else None,
        "worker_ms_per_event_net": round(cpu_net / events * 1e3, 2) if events else None,
        "idle_worker_ms_per_s": round(bare_cpu * 1e3 / len(pids), 2),
        "idle_us_per_connection_s": round((with_viewers_cpu - bare_cpu) / n * 1e6, 2),
        "kb_per_connection": round(kb_per_connection, 1),
        "redis_commands_per_event": round(sum(net["commands"].values()) / events, 2)
        if events
        else None,
        "redis_by_command": {
            name: round(calls / events, 2)
            for name, calls in sorted(net["commands"].items(), key=lambda kv: -kv[1])
            if round(calls / events, 2)
        }
        if events
        else {},
        "redis_us_per_event": round(net["cpu"] / events * 1e6, 1) if events else None,
        "redis_bytes_in_per_event": round(net["in"] / events) if events else None,
        "redis_bytes_out_per_event": round(net["out"] / events) if events else None,
        "redis_idle_commands_per_s": round(
            sum(idle["commands"].values()) / idle["seconds"], 1
        ),
    }


@contextlib.contextmanager
def pinned_workers(*, n: int, env: dict):
    """``n`` Daphne workers, started on every core (six Djangos starting on
    one core of a busy machine outlast ``Worker.wait_ready``'s patience),
    then each of their threads pinned to ``SERVER_CPUS``."""
    logs = OUT / "scale"
    logs.mkdir(parents=True, exist_ok=True)
    procs = [
        Worker(
            settings="bench.settings",
            env=env,
            log=logs / f"daphne-{i}.log",
            app="bench.asgi:application",
        )
        for i in range(n)
    ]
    try:
        for worker in procs:
            worker.wait_ready(timeout=180)
        if SERVER_CPUS:
            cpus = {int(c) for c in SERVER_CPUS.split(",")}
            for worker in procs:
                for task in os.listdir(f"/proc/{worker.process.pid}/task"):
                    os.sched_setaffinity(int(task), cpus)
        yield procs
    finally:
        for worker in procs:
            worker.stop()


def run_config(*, workers: int, rooms: list[int], env: dict, redis) -> dict:
    made = [live_roadshow(count) + (count,) for count in rooms]
    try:
        session = session_of(made[0][2])  # the organizer who asks
        with pinned_workers(n=workers, env=env) as procs:
            return asyncio.run(
                measure(
                    rooms=[(r.pk, room.pk, count) for r, room, _u, count in made],
                    session=session,
                    ports=[w.port for w in procs],
                    pids=[w.process.pid for w in procs],
                    redis=redis,
                )
            )
    finally:
        remove_roadshows(pks=[r.pk for r, *_ in made])


# ---------------------------------------------------------------- summary

FIGURES = (
    "redis_commands_per_event",
    "redis_us_per_event",
    "redis_bytes_in_per_event",
    "redis_bytes_out_per_event",
    "worker_ms_per_event_net",
    "us_per_viewer",
    "us_per_viewer_net",
    "idle_us_per_connection_s",
    "idle_worker_ms_per_s",
    "kb_per_connection",
    "p50_ms",
    "p99_ms",
)


def medians(results: list[dict]) -> dict:
    out = {
        key: round(statistics.median(r[key] for r in results), 2)
        for key in FIGURES
        if all(r[key] is not None for r in results)
    }
    out["runs"] = len(results)
    out["events"] = sum(r["events"] for r in results)
    out["lost"] = sum(r["lost"] for r in results)
    out["duplicated"] = sum(r["duplicated"] for r in results)
    names = {name for r in results for name in r["redis_by_command"]}
    out["redis_by_command"] = {
        name: round(
            statistics.median(r["redis_by_command"].get(name, 0) for r in results), 2
        )
        for name in sorted(names)
    }
    out["redis_by_command"] = dict(
        sorted(out["redis_by_command"].items(), key=lambda kv: -kv[1])
    )
    return out


def print_line(label: str, result: dict) -> None:
    shown = {k: v for k, v in result.items() if k != "redis_by_command"}
    print(f"  {label}: {json.dumps(shown)}", flush=True)
    print(f"    Redis per event: {json.dumps(result['redis_by_command'])}", flush=True)


def main() -> int:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import redis as redis_py

    from bench.faults import ThrowawayRedis

    os.sched_setaffinity(0, CLIENT_CPUS)
    with ExitStack() as stack:
        if EXTERNAL_REDIS:
            url = EXTERNAL_REDIS
            print("Redis: the given server; its counters are the whole server's")
        else:
            url = stack.enter_context(ThrowawayRedis()).url
        os.environ["REDIS_URL"] = url
        django_setup("postgresql")
        redis = redis_py.from_url(url)
        env = {
            "DATABASE_URL": database_url("postgresql"),
            "REDIS_URL": url,
            "DB_POOL_MAX": "8",
        }
        print(
            f"scale: {VIEWERS} viewers in one room, {RATE:g} events/s for "
            f"{SECONDS:g} s, workers {WORKERS}, {RUNS} runs each",
            flush=True,
        )
        runs: dict[int, list[dict]] = {n: [] for n in WORKERS}
        for run in range(RUNS):
            for n in WORKERS:
                result = run_config(workers=n, rooms=[VIEWERS], env=env, redis=redis)
                runs[n].append(result)
                print_line(f"run {run + 1}, {n} workers", result)
        rooms_runs: list[dict] = []
        rooms_shape = None
        if ROOMS:
            count, rest = ROOMS.split("x")
            per_room, on = rest.split("@")
            rooms_shape = (int(count), int(per_room), int(on))
            for run in range(RUNS):
                result = run_config(
                    workers=rooms_shape[2],
                    rooms=[rooms_shape[1]] * rooms_shape[0],
                    env=env,
                    redis=redis,
                )
                rooms_runs.append(result)
                print_line(f"run {run + 1}, {ROOMS}", result)

    summary = {n: medians(results) for n, results in runs.items()}
    base = WORKERS[0]
    print()
    print(f"medians of {RUNS} runs; ratios against {base} workers in the same run")
    header = f"{'figure':>26}" + "".join(f"{n:>10}" for n in WORKERS)
    header += "".join(f"{f'{n}/{base}':>8}" for n in WORKERS[1:])
    print(header)
    ratios: dict[int, dict] = {n: {} for n in WORKERS[1:]}
    for key in FIGURES:
        if not all(key in summary[n] for n in WORKERS):
            continue
        line = f"{key:>26}" + "".join(f"{summary[n][key]!s:>10}" for n in WORKERS)
        for n in WORKERS[1:]:
            b = summary[base][key]
            ratio = round(summary[n][key] / b, 2) if b else None
            ratios[n][key] = ratio
            line += f"{ratio!s:>8}"
        print(line)
    for n in WORKERS:
        print(
            f"  {n} workers, Redis commands per event: {summary[n]['redis_by_command']}"
        )
    print(
        "lost / duplicated: "
        + ", ".join(
            f"{n} workers {summary[n]['lost']}/{summary[n]['duplicated']}"
            for n in WORKERS
        )
    )
    top = WORKERS[-1]
    extra = None
    if top != base and "worker_ms_per_event_net" in summary[top]:
        extra = {
            key: round((summary[top][key] - summary[base][key]) / (top - base), 3)
            for key in (
                "worker_ms_per_event_net",
                "redis_commands_per_event",
                "redis_us_per_event",
            )
        }
        print(f"one more worker, per event: {json.dumps(extra)}")
    rooms_summary = None
    if rooms_runs:
        rooms_summary = medians(rooms_runs)
        print(f"{ROOMS}: {json.dumps(rooms_summary)}")
        one = summary.get(rooms_shape[2])
        if one:
            print(
                f"  against one room of {VIEWERS} on {rooms_shape[2]} workers: "
                + ", ".join(
                    f"{key} {rooms_summary[key]} / {one[key]}"
                    for key in (
                        "worker_ms_per_event_net",
                        "us_per_viewer_net",
                        "redis_commands_per_event",
                        "redis_us_per_event",
                        "idle_us_per_connection_s",
                    )
                    if key in rooms_summary and key in one
                )
            )
    print(
        json.dumps(
            {
                "bench": "scale",
                "viewers": VIEWERS,
                "events_per_s": RATE,
                "workers": {str(n): summary[n] for n in WORKERS},
                "ratios": {f"{n}/{base}": ratios[n] for n in WORKERS[1:]},
                "one_more_worker_per_event": extra,
                "rooms": {"shape": ROOMS, **rooms_summary} if rooms_summary else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
