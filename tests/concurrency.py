"""Run callables at the same instant in threads, each with its own connection."""

import threading

from django.db import connection


def race(workers, *, expected=()):
    """Start every callable together; return each one's result or the
    exception of a type in ``expected`` (others propagate as results too)."""
    barrier = threading.Barrier(len(workers))
    results = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait(timeout=20)
            results[index] = work()
        except Exception as exc:  # noqa: BLE001 — returned for the assertion
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
