"""`python -m bench [name]`: run one benchmark or all of them."""

import importlib
import subprocess
import sys

BENCHMARKS = [
    "catalogue",
    "import",
    "pages",
    "registration",
    "checkin",
    "live",
    "dashboard",
    "matchmaking",
    "rooms",
    "scale",
]


def main(argv: list[str]) -> int:
    names = [a for a in argv if a] or BENCHMARKS
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}"
        )
        return 2
    status = 0
    for name in names:
        # Each benchmark in its own process: Django is configured once per process.
        result = subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False)
        status = status or result.returncode
    return status


if __name__ == "__main__":
    importlib.invalidate_caches()
    sys.exit(main(sys.argv[1:]))
