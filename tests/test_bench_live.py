"""The live benchmark's summary: a baseline that delivered nothing is
reported as such (null, 0 deliveries, "n/a"), never a crash that loses the
run's JSON line."""

import json

from bench.live import compare


def _result(system, us, delivered):
    return {
        "system": system,
        "viewers": 2000,
        "lost": 0 if delivered else 120_000,
        "duplicated": 0,
        "p50_ms": 30.0 if delivered else None,
        "p99_ms": 60.0 if delivered else None,
        "us_per_viewer": us,
        "delivered": delivered,
        "kb_per_connection": 20.0,
    }


def test_a_baseline_that_delivered_nothing_is_reported_not_a_crash():
    by = {
        ("platform", 2000): {
            **_result("platform", 30.0, 120_000),
            "max_events_per_s": 20,
            "storm": {"viewers": 1000, "all_back_s": 7.6, "retries": 0},
        },
        ("stock", 2000): _result("stock", None, 0),
        ("bare", 2000): _result("bare", 70.0, 120_000),
    }
    line, summary = compare(by, 2000)
    assert "platform/bare CPU ratio 0.43" in line
    assert "stock/platform n/a (delivered nothing)" in line
    assert summary["stock_us_per_viewer"] is None
    assert summary["stock_delivered"] == 0
    assert summary["storm"]["all_back_s"] == 7.6
    assert json.loads(json.dumps(summary)) == summary
