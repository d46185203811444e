"""The one-way flow of the code (docs/architecture.md): an app imports only
the apps before it; domain-free helpers import no app; no app imports the
wiring in roadshow/, the benchmarks or the tests.  Read from the source,
imports inside functions included."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The flow: achievement → roadshow → live room → deal → published case.
FLOW = [
    "accounts",
    "achievements",
    "agrilists",
    "events",
    "calls",
    "livestream",
    "matchmaking",
    "invitations",
    "meetrooms",
    "tracker",
    "licences",
    "cms",
]
# Helpers without domain knowledge: everybody may use them, they use nobody.
HELPERS = [
    "uploads",
    "spreadsheets",
    "languages",
    "workdays",
    "mailing",
    "jobs",
    "tracing",
]
# The request id is below everything: any helper may carry it.
BASE_HELPERS = {"tracing"}
WIRING = "roadshow"


def _imports(package: str) -> dict[str, set[str]]:
    """Top-level project packages imported by each module of a package."""
    known = set(FLOW) | set(HELPERS) | {WIRING, "bench", "tests"}
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = (names & known) - {package}
    return found


def _allowed(package: str) -> set[str]:
    if package in HELPERS:
        return BASE_HELPERS - {package}
    return set(FLOW[: FLOW.index(package)]) | set(HELPERS)


def test_apps_import_only_what_comes_before_them_in_the_flow():
    against = {
        module: sorted(imported - _allowed(package))
        for package in FLOW + HELPERS
        if (ROOT / package).exists()
        for module, imported in _imports(package).items()
        if imported - _allowed(package)
    }
    assert against == {}


def test_the_check_sees_an_import_against_the_flow(tmp_path, monkeypatch):
    """The check is real: a module of the library importing the tracker is
    found (in a copy, so the tree itself is never touched)."""
    fake = tmp_path / "achievements"
    fake.mkdir()
    (fake / "leak.py").write_text("def f():\n    from tracker.models import Deal\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert _imports("achievements") == {"achievements/leak.py": {"tracker"}}
    assert {"tracker"} - _allowed("achievements") == {"tracker"}
