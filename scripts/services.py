"""Probe the PostgreSQL and Redis services for the service-backed test pass.

Exit 0 when both answer.  Otherwise exit 1 with CI=true (an unreachable service
fails the run) and 2 elsewhere (the caller skips the pass with this message).
"""

import os
import socket
import sys

SERVICES = {
    "PostgreSQL": ("127.0.0.1", 5432),
    "Redis": ("127.0.0.1", 6379),
}


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def main() -> int:
    down = [name for name, addr in SERVICES.items() if not reachable(*addr)]
    if not down:
        return 0
    ci = os.environ.get("CI", "").lower() == "true"
    print(
        f"{', '.join(down)} not reachable on 127.0.0.1 — "
        + (
            "CI=true, so this is a failure."
            if ci
            else "skipping the PostgreSQL/Redis-backed tests. Start the services "
            "(PostgreSQL on 5432 with trust auth, Redis on 6379) to run them."
        ),
        file=sys.stderr,
    )
    return 1 if ci else 2


if __name__ == "__main__":
    sys.exit(main())
