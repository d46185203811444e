"""Polls and scores under real concurrency (PostgreSQL): answers sent at once
are counted exactly, one person's answers racing each other leave one
answer, and a scorer's sheets racing leave one sheet."""

import pytest

from livestream import services
from livestream.enums import DEFAULT_SCORE_CRITERIA
from livestream.models import PitchScore, PollVote, RoomEvent
from tests.concurrency import race
from tests.factories import make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    settings.LIVE_RATE_LIMITS = {"poll": (1000, 60), "score": (1000, 60)}


def _poll(live, multiple=False):
    return services.poll_open(
        user=live["organizer"],
        room_id=live["room"].pk,
        question="同时作答",
        options=["甲", "乙", "丙"],
        multiple=multiple,
    )


def test_answers_sent_at_once_are_all_counted(live):
    poll = _poll(live)
    options = list(poll.options.values_list("pk", flat=True))
    people = [make_user(username=f"viewer{n}") for n in range(24)]
    results = race(
        [
            lambda u=u, n=n: services.poll_answer(
                user=u,
                room_id=live["room"].pk,
                poll_id=poll.pk,
                options=[options[n % 3]],
            )
            for n, u in enumerate(people)
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert PollVote.objects.filter(poll=poll).count() == 24
    last = RoomEvent.objects.filter(kind="poll_votes").order_by("-seq").first()
    assert last.data == {
        "id": poll.pk,
        "counts": {str(o): 8 for o in options},
        "voters": 24,
    }
    seqs = list(RoomEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))  # no holes, none twice


def test_one_persons_answers_racing_leave_one_answer(live):
    poll = _poll(live)
    options = list(poll.options.values_list("pk", flat=True))
    results = race(
        [
            lambda o=o: services.poll_answer(
                user=live["investor"],
                room_id=live["room"].pk,
                poll_id=poll.pk,
                options=[o],
            )
            for o in options * 3
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert PollVote.objects.filter(poll=poll, user=live["investor"]).count() == 1


def test_a_scorers_sheets_racing_leave_one_sheet(live):
    judge = make_user(username="judge")
    live["room"].judges.add(judge)
    results = race(
        [
            lambda v=v: services.pitch_score(
                user=judge,
                room_id=live["room"].pk,
                slot_id=live["slot"].pk,
                values=dict.fromkeys(DEFAULT_SCORE_CRITERIA, v),
            )
            for v in (1, 2, 3, 4, 5, 3)
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    rows = PitchScore.objects.filter(user=judge)
    assert rows.count() == len(DEFAULT_SCORE_CRITERIA)
    assert len(set(rows.values_list("value", flat=True))) == 1
