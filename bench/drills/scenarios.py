"""The six drills of issue #16, each a function of the stage and the load
that returns its figures (the keys of the drill's JSON first) and whether
it met its targets."""

import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from bench.common import percentile
from bench.drills.load import Client, fresh, register
from bench.drills.stage import PASSWORD, say


class Timing:
    """Phase lengths, in seconds: the full drill's or the short form's."""

    def __init__(self, short: bool):
        self.short = short
        self.settle = 5 if short else 10  # load before a fault
        self.down = 3 if short else 5  # a worker, Redis, PostgreSQL away
        self.after = 10 if short else 15  # load after it
        # PostgreSQL away longer than the pool waits for a connection (10 s):
        # a shorter outage only delays requests.
        self.pg_down = 12 if short else 20
        self.smtp_up = 15 if short else 60
        self.smtp_down = 15 if short else 300
        self.smtp_slow = 10 if short else 60
        self.surge_people = 400 if short else 2000
        self.surge_places = 100 if short else 500
        self.surge_seconds = 15 if short else 60


def _failures(requests) -> list:
    return [r for r in requests if r.failed]


def _describe(requests) -> str:
    kinds = {}
    for r in requests:
        key = f"{r.kind} {r.status or r.error}"
        kinds[key] = kinds.get(key, 0) + 1
    return ", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items())) or "none"


def worker_kill(stage, load, t: Timing) -> tuple[dict, bool]:
    """SIGKILL a web worker under load, start it again."""
    since, after = time.time(), load.top()
    time.sleep(t.settle)
    killed_at = time.time()
    killed = stage.kill_worker(0)
    stage.wait_revived(0, killed)
    back_s = time.time() - killed_at
    time.sleep(t.after)
    until = time.time()
    events = load.events(after, load.top())
    requests = load.between(since, until)
    failed = _failures(requests)
    # A request may fail only if it was on the killed worker at that moment
    # and is not safe to repeat (HAProxy retries GETs elsewhere).
    in_flight = [
        r
        for r in failed
        if r.method != "GET" and r.started <= killed_at + 0.5 and r.ended >= killed_at
    ]
    resumes = load.resumes(killed_at - 1, until)
    figures = {
        "http_failed": len(failed),
        "lost": events["lost"],
        "dup": events["dup"],
        "resume_s": round(resumes[-1], 2) if resumes else 0.0,
    }
    say(
        f"worker_kill: {figures}; {len(requests)} requests, failed: "
        f"{_describe(failed)} ({len(in_flight)} of them in flight on the kill); "
        f"{events['events']} events to {len(load.viewers)} viewers; "
        f"{len(resumes)} viewers resumed (median "
        f"{statistics.median(resumes) if resumes else 0:.2f} s); worker back "
        f"in HAProxy {back_s:.1f} s after the kill"
    )
    ok = (
        len(in_flight) == len(failed)
        and figures["lost"] == 0
        and figures["dup"] == 0
        and figures["resume_s"] <= 10
    )
    return figures, ok


def _recovery(events: dict, since: float, threshold: float) -> float | None:
    """Seconds from ``since`` until the first event after which every event
    reached (95% of) the viewers within ``threshold``; None if never."""
    recovered = None
    for seq in sorted(events["created"]):
        created = events["created"][seq]
        if created < since:
            continue
        slow = percentile(events["latency"][seq], 95) > threshold
        if slow:
            recovered = None
        elif recovered is None:
            recovered = created
    return None if recovered is None else round(max(0.0, recovered - since), 2)


def _page(port: int, path: str, cookie: str) -> tuple[int, str]:
    client = Client(port)
    r = client.request("read", "GET", path, headers={"Cookie": cookie})
    client.close()
    return r.status, r.error


def _login(port: int, username: str) -> bool:
    """A password login through HAProxy; then the session it made works."""
    from django.conf import settings

    from bench.drills.stage import CSRF

    client = Client(port)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD})
    r = client.request(
        "read",
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Cookie": f"{settings.CSRF_COOKIE_NAME}={CSRF}",
            "X-CSRFToken": CSRF,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    if r.status != 302:
        return False
    cookies = client.cookies
    client.close()
    status, _ = _page(port, "/workspace/", cookies)
    return status == 200


def redis_restart(stage, load, t: Timing) -> tuple[dict, bool]:
    """Kill Redis (it keeps nothing) under load, start it again empty."""
    cookie = load.people[-1][1] if load.people else load.door_cookie
    since, after = time.time(), load.top()
    time.sleep(t.settle)
    before = load.events(after, load.top(), wait=5)
    typical = [percentile(v, 50) for v in before["latency"].values() if v] or [0.1]
    threshold = max(1.0, 3 * statistics.median(typical))
    stage.redis.stop()
    down_at = time.time()
    time.sleep(t.down)
    stage.redis.start()
    back_at = time.time()
    time.sleep(t.after)
    until = time.time()
    events = load.events(after, load.top())
    session_status = _page(stage.port, "/workspace/", cookie)[0]
    login_ok = (
        _login(stage.port, load.people[0][0].split("@")[0]) if load.people else None
    )
    requests = load.between(since, until)
    failed = _failures(requests)
    recovery = _recovery(events, back_at, threshold)
    figures = {
        "lost": events["lost"],
        "recovery_s": recovery,
        "dup": events["dup"],
        "sessions_ok": session_status == 200 and login_ok is not False,
    }
    say(
        f"redis_restart: {figures}; Redis away {back_at - down_at:.1f} s; "
        f"normal latency ≤ {threshold:.2f} s (p95 over viewers); "
        f"{events['events']} events; {len(requests)} requests, failed: "
        f"{_describe(failed)}; a session made before: {session_status}; "
        f"a password login after: {login_ok}"
    )
    ok = (
        figures["lost"] == 0
        and figures["dup"] == 0
        and recovery is not None
        and recovery <= 10
        and figures["sessions_ok"]
    )
    return figures, ok


def _half_written(load) -> tuple[int, str]:
    """Changes that committed in part: a registration without its email, a
    ticket checked in without its scan (or the reverse), a question without
    its event."""
    from django.db.models import Exists, OuterRef

    from events.models import Registration, Scan
    from livestream.models import Question, RoomEvent
    from mailing.models import Email

    fresh()
    no_email = (
        Registration.objects.filter(roadshow=load.venue)
        .exclude(Exists(Email.objects.filter(to=OuterRef("user__email"))))
        .count()
    )
    checked = Registration.objects.filter(
        roadshow=load.door, checked_in_at__isnull=False
    )
    scanned = Scan.objects.filter(roadshow=load.door, result="ok")
    no_scan = checked.exclude(
        Exists(scanned.filter(registration=OuterRef("pk")))
    ).count()
    no_checkin = scanned.filter(registration__checked_in_at__isnull=True).count()
    questions = Question.objects.filter(room=load.room).count()
    question_events = RoomEvent.objects.filter(room=load.room, kind="question").count()
    no_event = max(0, questions - question_events)
    text = (
        f"registrations without their email {no_email}, check-ins without "
        f"their scan {no_scan}, scans without their check-in {no_checkin}, "
        f"questions without their event {no_event} ({questions} questions)"
    )
    return no_email + no_scan + no_checkin + no_event, text


def pg_restart(stage, load, t: Timing) -> tuple[dict, bool]:
    """Stop PostgreSQL at once (`pg_ctl -m immediate`, as a crash) under
    load, start it again: the workers' pools must recover by themselves."""
    since, after = time.time(), load.top()
    probes: list[tuple[int, float, int]] = []  # (port, time, status)
    stop = threading.Event()

    def probe(port: int) -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/readyz", timeout=5
                ) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            probes.append((port, time.time(), status))
            stop.wait(0.25)

    threads = [
        threading.Thread(target=probe, args=(port,), daemon=True)
        for port in stage.worker_ports()
    ]
    for thread in threads:
        thread.start()
    time.sleep(t.settle)
    tasks_before = stage.task_pids()
    stage.pg.stop("immediate")
    down_at = time.time()
    time.sleep(t.pg_down)
    stage.pg.start()
    back_at = time.time()
    time.sleep(t.after)
    restarted = stage.tasks_restarted(tasks_before)
    stop.set()
    for thread in threads:
        thread.join(10)
    until = time.time()
    requests = load.between(since, until)
    failed = _failures(requests)
    errors = [r for r in requests if r.status >= 500]
    unclear = [r for r in errors if not r.clear]
    # Back: each worker ready again, and no request failing any more.
    ready_again = []
    for port in stage.worker_ports():
        last_bad = max(
            (at for p, at, status in probes if p == port and status != 200),
            default=back_at,
        )
        ready_again.append(max(last_bad, back_at))
    last_failure = max((r.ended for r in failed if r.ended >= back_at), default=back_at)
    recovery = round(max(*ready_again, last_failure) - back_at, 2)
    held = [r for r in requests if not r.failed and r.ended - r.started > 2]
    half, half_text = _half_written(load)
    events = load.events(after, load.top())
    figures = {
        "http_5xx_pages_ok": bool(errors) and not unclear,
        "half_written": half,
        "recovery_s": recovery,
    }
    say(
        f"pg_restart: {figures}; PostgreSQL away {back_at - down_at:.1f} s; "
        f"{len(requests)} requests, failed: {_describe(failed)}; "
        f"5xx answers {len(errors)}, not the 503 page: {len(unclear)}; "
        f"{len(held)} answered after waiting over 2 s for a connection; "
        f"{half_text}; live events {events['events']}, lost {events['lost']}, "
        f"dup {events['dup']}; questions refused meanwhile: {dict(load.refused)}; "
        f"task workers that exited and were started again (as systemd does): "
        f"{restarted or 'none'}"
    )
    ok = figures["http_5xx_pages_ok"] and half == 0 and recovery <= 10
    return figures, ok


def _registrations(load, since: float, until: float) -> list:
    return [
        r for r in load.requests if r.kind == "register" and since <= r.started <= until
    ]


def _mail_figures(stage, addresses: list[str], *, timeout: float) -> dict:
    """Wait until every email to ``addresses`` left the queue; count what
    the sink received for them, by Message-ID."""
    from mailing.models import Email

    fresh()
    deadline = time.monotonic() + timeout
    waiting = Email.objects.filter(to__in=addresses, status="queued")
    while time.monotonic() < deadline and waiting.exists():
        time.sleep(1)
    wanted = set(addresses)
    counts = stage.sink.counts()
    by_address: dict[str, int] = {}
    mids: dict[str, int] = {}
    for mid, rcpts in list(stage.sink.recipients.items()):
        for rcpt in rcpts:
            if rcpt in wanted:
                by_address[rcpt] = by_address.get(rcpt, 0) + counts[mid]
                mids[mid] = counts[mid]
    return {
        "sent": len(mids),
        "duplicates": sum(n - 1 for n in by_address.values()),
        "missing": len(wanted - set(by_address)),
        "queued": waiting.count(),
        "failed": Email.objects.filter(to__in=addresses, status="failed").count(),
    }


def smtp(stage, load, t: Timing) -> tuple[dict, bool]:
    """The mail server away for a while, then slow (2 s a message):
    registering must not notice; every email leaves once afterwards."""
    start = time.time()
    time.sleep(t.smtp_up)
    down_at = time.time()
    stage.sink.down()
    time.sleep(t.smtp_down)
    slow_at = time.time()
    stage.sink.up()
    stage.sink.delay = 2.0
    time.sleep(t.smtp_slow)
    stage.sink.delay = 0.0
    end = time.time()
    up = _registrations(load, start, down_at)
    away = _registrations(load, down_at, end)
    p95_up = percentile([r.ended - r.started for r in up if not r.failed], 95)
    p95_away = percentile([r.ended - r.started for r in away if not r.failed], 95)
    addresses = [r.who for r in up + away if not r.failed]
    # The last retry of a message written just before the sink came back is
    # at most the longest delay away.
    mail = _mail_figures(stage, addresses, timeout=180)
    figures = {
        "p95_ratio": round(p95_away / p95_up, 2) if up and away else None,
        "sent": mail["sent"],
        "duplicates": mail["duplicates"],
        "missing": mail["missing"],
    }
    say(
        f"smtp: {figures}; registrations p95 {p95_up * 1000:.0f} ms with the "
        f"mail server up ({len(up)}), {p95_away * 1000:.0f} ms while away "
        f"{slow_at - down_at:.0f} s and slow {end - slow_at:.0f} s ({len(away)}); "
        f"failed registrations: {_describe(_failures(up + away))}; all sent "
        f"{time.time() - end:.0f} s after the server recovered; still queued "
        f"{mail['queued']}, given up {mail['failed']}"
    )
    limit = 2.0 if t.short else 1.5
    ok = (
        figures["p95_ratio"] is not None
        and figures["p95_ratio"] <= limit
        and mail["duplicates"] == 0
        and mail["missing"] == 0
        and not _failures(up + away)
    )
    return figures, ok


def redeploy(stage, load, t: Timing) -> tuple[dict, bool]:
    """Every worker restarted one at a time (scripts/cluster.py reload)."""
    since, after = time.time(), load.top()
    time.sleep(t.settle)
    started = time.monotonic()
    stage.cluster_cmd("reload")
    reload_s = time.monotonic() - started
    time.sleep(t.after)
    until = time.time()
    events = load.events(after, load.top())
    requests = load.between(since, until)
    failed = _failures(requests)
    resumes = load.resumes(since, until)
    figures = {
        "http_failed": len(failed),
        "lost": events["lost"],
        "dup": events["dup"],
    }
    say(
        f"redeploy: {figures}; {len(requests)} requests, failed: "
        f"{_describe(failed)}; {events['events']} events; {len(resumes)} "
        f"viewers resumed, the slowest in "
        f"{resumes[-1] if resumes else 0:.2f} s; the reload took {reload_s:.1f} s"
    )
    ok = not failed and events["lost"] == 0 and events["dup"] == 0
    return figures, ok


def surge(stage, load, t: Timing, people: list) -> tuple[dict, bool]:
    """Many more people than places register within a minute."""
    from events.models import Registration

    fresh()
    roadshow = stage.roadshow("演练：报名高峰", capacity=t.surge_places)
    n = len(people)
    threads = 16 if n >= 1000 else 8
    results = []
    started = time.monotonic()

    def run(part: list[tuple[int, tuple[str, str]]]) -> None:
        client = Client(stage.port)
        for k, (email, cookie) in part:
            wait = started + k * t.surge_seconds / n - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            results.append(register(client, roadshow.pk, email, cookie))
        client.close()

    numbered = list(enumerate(people))
    workers = [
        threading.Thread(target=run, args=(numbered[i::threads],))
        for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    took = time.monotonic() - started
    statuses = list(
        Registration.objects.filter(roadshow=roadshow).values_list("status", flat=True)
    )
    confirmed, waitlisted = statuses.count("confirmed"), statuses.count("waitlisted")
    mail_started = time.monotonic()
    mail = _mail_figures(
        stage, [email for email, _ in people], timeout=120 if t.short else 600
    )
    latencies = [r.ended - r.started for r in results]
    figures = {
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "emails": mail["sent"],
        "duplicates": mail["duplicates"],
    }
    say(
        f"surge: {figures}; {n} people for {t.surge_places} places in "
        f"{took:.1f} s ({threads} at a time), registration p50 "
        f"{percentile(latencies, 50) * 1000:.0f} ms, p95 "
        f"{percentile(latencies, 95) * 1000:.0f} ms, failed: "
        f"{_describe(_failures(results))}; emails missing {mail['missing']}, "
        f"all out {time.monotonic() - mail_started:.0f} s after the last "
        f"registration"
    )
    ok = (
        confirmed == t.surge_places
        and waitlisted == n - t.surge_places
        and mail["sent"] == n
        and mail["missing"] == 0
        and mail["duplicates"] == 0
    )
    return figures, ok
