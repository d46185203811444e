"""The arithmetic of the scale benchmark (bench/scale.py): what Redis did
between two snapshots, less a snapshot's own cost, and net of what it does
at rest over as many seconds."""

from bench.scale import net_of_idle, redis_delta


def _snapshot(at, commands, cpu, net_in, net_out):
    return {"at": at, "commands": commands, "cpu": cpu, "in": net_in, "out": net_out}


def test_redis_delta_leaves_out_info_and_the_snapshot_cost():
    before = _snapshot(10.0, {"zadd": 5, "info": 3}, 1.0, 1000, 2000)
    after = _snapshot(40.0, {"zadd": 65, "get": 4, "info": 9}, 1.5, 5000, 9000)
    overhead = {"cpu": 0.1, "in": 100, "out": 1000}

    delta = redis_delta(before, after, overhead)

    assert delta == {
        "seconds": 30.0,
        "commands": {"zadd": 60, "get": 4},
        "cpu": 0.4,
        "in": 3900,
        "out": 6000,
    }


def test_net_of_idle_subtracts_the_idle_rate_over_the_busy_window():
    busy = {
        "seconds": 40.0,
        "commands": {"zadd": 600, "bzpopmin": 20},
        "cpu": 2.0,
        "in": 10_000,
        "out": 8_000,
    }
    idle = {
        "seconds": 20.0,
        "commands": {"bzpopmin": 4, "eval": 2},
        "cpu": 0.5,
        "in": 1_000,
        "out": 500,
    }

    net = net_of_idle(busy, idle)

    assert net == {
        "commands": {"zadd": 600, "bzpopmin": 12, "eval": -4},
        "cpu": 1.0,
        "in": 8_000,
        "out": 7_000,
    }
