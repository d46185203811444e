"""Where the roadshows' code lives: imports flow one way (events comes before
the live rooms, the tracker and the CMS), and what joins every app (the demo
command) lives in the project's wiring."""

import ast
import io
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands

import events

LATER = {"livestream", "tracker", "cms", "bench", "roadshow"}


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_events_imports_nothing_that_comes_after_it():
    root = Path(events.__file__).parent
    offending = {
        str(path.relative_to(root)): sorted(_imported(path) & LATER)
        for path in root.rglob("*.py")
        if _imported(path) & LATER
    }
    assert offending == {}


@pytest.mark.django_db
def test_seed_demo_command_lives_in_the_wiring_and_loads_the_demo_once():
    assert get_commands()["seed_demo"] == "roadshow"
    out = io.StringIO()
    call_command("seed_demo", "--achievements", "40", "--seed", "2026", stdout=out)
    first = out.getvalue()
    assert first.startswith("Demo data: 40 new achievements, ")
    assert "Live now: /live/" in first
    assert "  organizer " in first and "Demo logins (password for all: " in first
    out = io.StringIO()
    call_command("seed_demo", "--achievements", "40", "--seed", "2026", stdout=out)
    assert out.getvalue().startswith("Demo data: 0 new achievements, ")
    assert "Live now:" not in out.getvalue()  # the live room is seeded once
