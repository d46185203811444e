"""`make drill`: the fault drills of issue #16 against the production
topology, each printing its figures, then one JSON line for all; exits
non-zero when a target was missed.

The drill starts its own stage (bench/drills/stage.py): a throwaway
PostgreSQL cluster (initdb/pg_ctl, another port), a throwaway Redis
(another port), an SMTP sink that counts messages by Message-ID, and `make
cluster`'s topology on them (HAProxy on DRILL_PORT, 8190; two web workers;
a task worker) — so that killing Redis or PostgreSQL never touches the
machine's own.  Under a steady load (bench/drills/load.py: page reads,
catalogue searches, registrations, door check-ins, a live room with 500
viewers at 2 questions a second) it runs, in turn (bench/drills/scenarios.py):

1. ``worker_kill`` — a web worker SIGKILLed and started again: only requests
   in flight on it and unsafe to repeat may fail; no live event lost or
   doubled; its viewers resumed within 10 s.
2. ``redis_restart`` — Redis killed and started again empty: no live event
   lost; events at normal latency again within 10 s; sessions and logins
   survive.
3. ``pg_restart`` — PostgreSQL stopped at once (`-m immediate`) and started
   again: every 5xx meanwhile the platform's 503 page; nothing
   half-written; back within 10 s, the connection pools recovering alone.
4. ``smtp`` — the mail server away (5 minutes), then slow (2 s a message):
   registration p95 at most 1.5× the p95 with it up; every email delivered
   exactly once afterwards.
5. ``redeploy`` — every worker restarted one at a time: no request failed,
   no live event lost or doubled.
6. ``surge`` — 2,000 people register within a minute for 500 places:
   exactly 500 confirmed, the rest waitlisted, every email sent once.

`DRILL_SHORT=1` (the suite's shortened form, tests/test_drills.py): 50
viewers, phases of seconds (the mail server away 20 s), a surge of 400 for
100 places in 15 s.  `DRILL_ONLY=smtp,surge` runs only those;
`DRILL_VIEWERS=0` leaves the live room empty (to tell its load from a
drill's own)."""

import json
import os
import signal
import sys
import time
import traceback

from bench.drills import scenarios
from bench.drills.stage import Stage, say

SHORT = os.environ.get("DRILL_SHORT") == "1"
VIEWERS = int(os.environ.get("DRILL_VIEWERS", 50 if SHORT else 500))
KEYS = {
    "worker_kill": ["http_failed", "lost", "dup", "resume_s"],
    "redis_restart": ["lost", "recovery_s"],
    "pg_restart": ["http_5xx_pages_ok", "half_written", "recovery_s"],
    "smtp": ["p95_ratio", "sent", "duplicates", "missing"],
    "redeploy": ["http_failed", "lost", "dup"],
    "surge": ["confirmed", "waitlisted", "emails", "duplicates"],
}


def _not_run(name: str, why: str) -> dict:
    return {**dict.fromkeys(KEYS[name]), "error": why}


def main() -> int:
    timing = scenarios.Timing(SHORT)
    only = [n for n in os.environ.get("DRILL_ONLY", "").split(",") if n] or list(KEYS)
    results: dict = {"bench": "drill"}
    missed: list[str] = []
    # Stopped from outside: the throwaway services and the cluster go too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return _run(timing, only, results, missed)
    finally:
        if _LOAD:
            _LOAD[0].stop()
        if _STAGE:
            try:
                _STAGE[0].down()
            except Exception:  # noqa: BLE001
                traceback.print_exc()
        if missed:
            say(f"targets missed: {', '.join(missed)}")
        print(json.dumps(results, ensure_ascii=False), flush=True)


_STAGE: list = []
_LOAD: list = []


def _run(timing, only: list, results: dict, missed: list) -> int:
    stage = load = None
    try:
        stage = Stage()
        _STAGE.append(stage)
        stage.up()
        from bench.drills.load import Load

        started = time.monotonic()
        minutes = 6 + (timing.smtp_up + timing.smtp_down + timing.smtp_slow) / 60
        people = stage.people("drill-load", int(minutes * 60 * 2) + 200)
        surge_people = stage.people("drill-surge", timing.surge_people)
        load = Load(
            stage, viewers=VIEWERS, people=people, tickets=int(minutes * 60) + 100
        )
        _LOAD.append(load)
        load.start()
        say(
            f"load running ({VIEWERS} viewers) after {time.monotonic() - started:.0f} s "
            "of set-up"
        )
    except Exception as error:  # noqa: BLE001 — reported in the JSON line
        traceback.print_exc()
        for name in KEYS:
            results[name] = _not_run(name, f"the stage did not start: {error}")
        missed[:] = list(KEYS)
        only = []
    for name in KEYS:
        if name not in only:
            results.setdefault(name, _not_run(name, "not asked for (DRILL_ONLY)"))
            continue
        try:
            if name == "surge":
                figures, ok = scenarios.surge(stage, load, timing, surge_people)
            else:
                figures, ok = getattr(scenarios, name)(stage, load, timing)
        except Exception as error:  # noqa: BLE001 — one drill's failure, not the run's
            traceback.print_exc()
            figures, ok = _not_run(name, f"{type(error).__name__}: {error}"), False
        results[name] = figures
        if not ok:
            missed.append(name)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
