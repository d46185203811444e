"""What joins every app (the demo command) lives in the project's wiring;
the import flow itself is checked for every app by tests/test_architecture.py."""

import io

import pytest
from django.core.management import call_command, get_commands


@pytest.mark.django_db
def test_seed_demo_command_lives_in_the_wiring_and_loads_the_demo_once():
    assert get_commands()["seed_demo"] == "roadshow"
    out = io.StringIO()
    call_command("seed_demo", "--achievements", "40", "--seed", "2026", stdout=out)
    first = out.getvalue()
    assert first.startswith("Demo data: 40 new achievements, ")
    assert "Live now: /live/" in first
    # The demo's published meeting has its room, where the sides said hello.
    from meetrooms.models import RoomMessage

    assert "Meeting room: /meet/" in first
    assert RoomMessage.objects.count() == 2
    assert "  organizer " in first and "Demo logins (password for all: " in first
    # Typical cases drafted from landed deals and published (cms/demo.py).
    from cms.models import CasePage

    cases = CasePage.objects.live()
    assert (
        cases.exists()
        and f"Typical cases: /cases/ ({cases.count()} published)" in first
    )
    assert all(case.deal.stage == "landed" for case in cases)
    assert not any("请补充" in str(case.body) for case in cases)
    published = cases.count()
    out = io.StringIO()
    call_command("seed_demo", "--achievements", "40", "--seed", "2026", stdout=out)
    assert out.getvalue().startswith("Demo data: 0 new achievements, ")
    assert "Live now:" not in out.getvalue()  # the live room is seeded once
    assert CasePage.objects.live().count() == published
    assert RoomMessage.objects.count() == 2
