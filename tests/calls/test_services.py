import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.enums import OrganizationKind, Role
from achievements.enums import ReviewStatus
from calls.enums import ApplicationStatus, CallAction, CallStatus
from calls.models import Application, CallEvent
from calls.selectors import call_ranking, reviewable
from calls.services import (
    CallError,
    UploadRefused,
    application_accept,
    application_update,
    application_withdraw,
    call_close,
    call_decide,
    call_open,
    review_save,
)
from events.enums import SlotKind
from events.services import slot_add
from tests.factories import make_achievement, make_org, make_user
from tests.factories.calls import apply, deck, make_call, pass_deadline
from tests.factories.events import make_roadshow

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(roles):
    users, orgs = roles
    third = make_org(kind=OrganizationKind.INSTITUTE, name="丙研究所")
    users["third_team"] = make_user(role=Role.TEAM, org=third, username="third")
    for user in users.values():
        user.email = f"{user.username}@example.com"
        user.save()
    outsider = make_org(name="评审专家单位")
    users["expert"] = make_user(role=Role.TEAM, org=outsider, username="expert")
    # A reviewer who belongs to the applying university.
    users["colleague"] = make_user(role=Role.TEAM, org=orgs["owner"], username="col")
    roadshow = make_roadshow(lead_host=orgs["torch"])
    call = make_call(
        roadshow=roadshow,
        by=users["organizer"],
        reviewers=[users["expert"], users["colleague"]],
    )
    mine = make_achievement(owner=orgs["owner"], state="public", title="甲的成果")
    theirs = make_achievement(owner=orgs["other"], state="public", title="乙的成果")
    third_one = make_achievement(owner=third, state="public", title="丙的成果")
    return {
        "users": users,
        "orgs": orgs,
        "roadshow": roadshow,
        "call": call,
        "mine": mine,
        "theirs": theirs,
        "third": third_one,
    }


def _score(app, by, a, b, comment=""):
    criteria = list(app.call.criteria.all())
    return review_save(
        application=app,
        marks={criteria[0].pk: a, criteria[1].pk: b},
        comment=comment,
        by=by,
    )


def test_call_open_records_criteria_reviewers_and_log(setup):
    call = setup["call"]
    assert [c.name for c in call.criteria.all()] == ["技术创新性", "市场前景"]
    assert set(call.reviewers.values_list("username", flat=True)) == {"expert", "col"}
    assert call.field == setup["roadshow"].field
    assert list(call.events.values_list("action", flat=True)) == [CallAction.OPENED]


def test_call_open_refuses_a_deadline_after_the_roadshow(setup):
    roadshow = setup["roadshow"]
    with pytest.raises(CallError, match="早于路演开始时间"):
        call_open(
            roadshow=roadshow,
            title="晚了",
            deadline=roadshow.start,
            slots=1,
            criteria=["a"],
            by=setup["users"]["organizer"],
        )


def test_call_open_refused_to_a_team(setup):
    with pytest.raises(CallError, match="只有组织方"):
        make_call(roadshow=setup["roadshow"], by=setup["users"]["team"])


def test_apply_with_own_cleared_achievement(setup):
    app = apply(
        call=setup["call"], achievement=setup["mine"], by=setup["users"]["team"]
    )
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.organization == setup["orgs"]["owner"]
    assert app.deck_name == "路演.pdf"
    assert app.deck.read().startswith(b"%PDF-")


def test_apply_with_someone_elses_achievement_is_refused(setup):
    with pytest.raises(CallError, match="只能用本单位的成果申请"):
        apply(
            call=setup["call"], achievement=setup["theirs"], by=setup["users"]["team"]
        )


def test_apply_twice_for_the_same_call_is_refused(setup):
    apply(call=setup["call"], achievement=setup["mine"], by=setup["users"]["team"])
    with pytest.raises(CallError, match="已申请本次征集"):
        apply(call=setup["call"], achievement=setup["mine"], by=setup["users"]["team"])


def test_apply_after_the_deadline_is_refused(setup):
    pass_deadline(setup["call"])
    with pytest.raises(CallError, match="申请已于"):
        apply(call=setup["call"], achievement=setup["mine"], by=setup["users"]["team"])


def test_apply_with_an_uncleared_achievement_is_refused(setup):
    draft = make_achievement(owner=setup["orgs"]["owner"], state="draft")
    with pytest.raises(CallError, match="尚未通过保密审查"):
        apply(call=setup["call"], achievement=draft, by=setup["users"]["team"])
    assert Application.objects.count() == 0


def test_apply_submits_a_draft_for_review_at_the_same_time(setup):
    draft = make_achievement(owner=setup["orgs"]["owner"], state="draft")
    app = apply(
        call=setup["call"],
        achievement=draft,
        by=setup["users"]["team"],
        submit_for_review=True,
    )
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.SUBMITTED
    assert app.status == ApplicationStatus.SUBMITTED


def test_apply_with_a_restricted_achievement_to_a_public_roadshow_is_refused(setup):
    restricted = make_achievement(owner=setup["orgs"]["owner"], state="restricted")
    with pytest.raises(CallError, match="仅限已批准投资方"):
        apply(
            call=setup["call"],
            achievement=restricted,
            by=setup["users"]["team"],
            submit_for_review=True,
        )


def test_apply_with_a_deck_that_is_not_a_pdf_is_refused(setup):
    fake = SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>", "application/pdf")
    with pytest.raises(UploadRefused, match="不是 PDF"):
        apply(
            call=setup["call"],
            achievement=setup["mine"],
            by=setup["users"]["team"],
            deck=fake,
        )


def test_update_and_withdraw_until_the_deadline(setup):
    team = setup["users"]["team"]
    app = apply(call=setup["call"], achievement=setup["mine"], by=team)
    app = application_update(
        application=app, summary="新的简介", deck=deck("v2.pdf"), by=team
    )
    assert (app.summary, app.deck_name) == ("新的简介", "v2.pdf")
    with pytest.raises(CallError, match="无权修改"):
        application_update(
            application=app, summary="x", by=setup["users"]["other_team"]
        )
    application_withdraw(application=app, by=team)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.WITHDRAWN
    # Withdrawn, it may apply again before the deadline.
    again = apply(call=setup["call"], achievement=setup["mine"], by=team)
    pass_deadline(setup["call"])
    with pytest.raises(CallError, match="申请已于"):
        application_withdraw(application=again, by=team)


def test_reviewer_from_the_applying_institution_is_excluded(setup):
    app = apply(
        call=setup["call"], achievement=setup["mine"], by=setup["users"]["team"]
    )
    colleague = setup["users"]["colleague"]
    assert list(reviewable(call=setup["call"], user=colleague)) == []
    with pytest.raises(CallError, match="利益冲突"):
        _score(app, colleague, 5, 5)


def test_score_outside_one_to_five_is_refused(setup):
    app = apply(
        call=setup["call"], achievement=setup["mine"], by=setup["users"]["team"]
    )
    for bad in (0, 6, "3.5", None):
        with pytest.raises(CallError, match="1 到 5 的整数"):
            _score(app, setup["users"]["expert"], bad, 3)
    assert app.reviews.count() == 0


def test_a_stranger_cannot_score(setup):
    app = apply(
        call=setup["call"], achievement=setup["mine"], by=setup["users"]["team"]
    )
    with pytest.raises(CallError, match="不是本次征集的评审人"):
        _score(app, setup["users"]["other_team"], 3, 3)


def test_scores_are_logged_and_rescoring_replaces_the_sheet(setup):
    app = apply(
        call=setup["call"], achievement=setup["mine"], by=setup["users"]["team"]
    )
    expert = setup["users"]["expert"]
    _score(app, expert, 2, 3, "一般")
    _score(app, expert, 4, 5, "很好")
    review = app.reviews.get()
    assert review.comment == "很好"
    assert sorted(review.scores.values_list("value", flat=True)) == [4, 5]
    notes = list(
        CallEvent.objects.filter(action=CallAction.SCORED).values_list(
            "actor__username", "note"
        )
    )
    assert notes == [
        ("expert", "技术创新性 2；市场前景 3"),
        ("expert", "技术创新性 4；市场前景 5"),
    ]


def test_ranking_mean_and_spread(setup):
    users, call = setup["users"], setup["call"]
    second = make_user(role=Role.TEAM, org=make_org(), username="expert2")
    call.reviewers.add(second)
    a = apply(call=call, achievement=setup["mine"], by=users["team"])
    b = apply(call=call, achievement=setup["theirs"], by=users["other_team"])
    _score(a, users["expert"], 3, 3)
    _score(b, users["expert"], 5, 4)
    _score(b, second, 2, 3)
    ranking = call_ranking(call=call)
    assert [r.application for r in ranking] == [b, a]
    top = ranking[0]
    assert (top.mean, top.low, top.high, top.std) == (3.5, 2.5, 4.5, 1.0)
    assert top.criteria == [3.5, 3.5]
    assert (ranking[1].mean, ranking[1].spread) == (3.0, 0.0)


def _three_applied(setup):
    users, call = setup["users"], setup["call"]
    a = apply(call=call, achievement=setup["mine"], by=users["team"])
    b = apply(call=call, achievement=setup["theirs"], by=users["other_team"])
    c = apply(call=call, achievement=setup["third"], by=users["third_team"])
    _score(a, users["expert"], 3, 3)
    _score(b, users["expert"], 5, 5)
    _score(c, users["expert"], 4, 4)
    return a, b, c


def test_decide_before_the_deadline_is_refused(setup):
    a, b, c = _three_applied(setup)
    with pytest.raises(CallError, match="截止"):
        call_decide(call=setup["call"], accepted=[b], by=setup["users"]["organizer"])


def test_decide_more_than_the_slots_is_refused(setup):
    a, b, c = _three_applied(setup)
    pass_deadline(setup["call"])
    with pytest.raises(CallError, match="超过了 2 个名额"):
        call_decide(
            call=setup["call"], accepted=[a, b, c], by=setup["users"]["organizer"]
        )
    assert setup["roadshow"].slots.count() == 0


def test_decide_creates_slots_in_rank_order_waitlist_and_emails(
    setup, django_capture_on_commit_callbacks
):
    a, b, c = _three_applied(setup)
    call = pass_deadline(setup["call"])
    roadshow = setup["roadshow"]
    slot_add(roadshow=roadshow, kind=SlotKind.BREAK, duration_minutes=10, title="茶歇")
    with django_capture_on_commit_callbacks(execute=True):
        call_decide(
            call=call,
            accepted=[a, b],
            waitlist=0,
            reasons={c.pk: "与本场主题不够契合"},
            by=setup["users"]["organizer"],
        )
    for x in (a, b, c):
        x.refresh_from_db()
    assert (a.status, b.status, c.status) == ("accepted", "accepted", "declined")
    programme = list(
        roadshow.slots.order_by("position").values_list("position", "achievement")
    )
    # b ranked first, then a; after what the programme had.
    assert programme == [(1, None), (2, b.achievement_id), (3, a.achievement_id)]
    assert b.slot.team == setup["orgs"]["other"]
    declined = [m for m in mail.outbox if "结果通知" in m.subject]
    assert len(declined) == 1
    assert declined[0].to == ["third@example.com"]
    assert "与本场主题不够契合" in declined[0].body
    assert sum("入选通知" in m.subject for m in mail.outbox) == 2
    with pytest.raises(CallError, match="已评定"):
        call_decide(call=call, accepted=[c], by=setup["users"]["organizer"])


def test_withdrawal_of_an_accepted_team_promotes_the_waitlist_into_its_place(
    setup, django_capture_on_commit_callbacks
):
    a, b, c = _three_applied(setup)
    call = pass_deadline(setup["call"])
    call.slots = 1
    call.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_decide(call=call, accepted=[b], waitlist=2, by=setup["users"]["organizer"])
    c.refresh_from_db()
    a.refresh_from_db()
    assert (c.status, c.waitlist_position, a.waitlist_position) == ("waitlisted", 1, 2)
    roadshow = setup["roadshow"]
    slot_add(roadshow=roadshow, kind=SlotKind.QA, duration_minutes=20, title="问答")
    mail.outbox.clear()
    b.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(application=b, by=setup["users"]["other_team"])
    c.refresh_from_db()
    assert c.status == ApplicationStatus.ACCEPTED
    programme = list(
        roadshow.slots.order_by("position").values_list("achievement", "title")
    )
    assert programme == [(c.achievement_id, ""), (None, "问答")]
    assert [m.to for m in mail.outbox if "递补入选" in m.subject] == [
        ["third@example.com"]
    ]
    events = list(c.events.values_list("action", "actor__username"))
    assert events[-1] == (CallAction.PROMOTED, "other_team")


def test_hand_accept_refused_when_slots_are_full(setup):
    a, b, c = _three_applied(setup)
    call = pass_deadline(setup["call"])
    call_decide(call=call, accepted=[a, b], waitlist=1, by=setup["users"]["organizer"])
    c.refresh_from_db()
    with pytest.raises(CallError, match="名额已满"):
        application_accept(application=c, by=setup["users"]["organizer"])


def test_closed_call_refuses_every_action(setup):
    a, b, c = _three_applied(setup)
    call = pass_deadline(setup["call"])
    call_decide(call=call, accepted=[b], waitlist=1, by=setup["users"]["organizer"])
    call_close(call=call, by=setup["users"]["organizer"], reason="名额未空出")
    call.refresh_from_db()
    c.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    assert (c.status, c.decline_reason) == ("declined", "名额未空出")
    b.refresh_from_db()
    with pytest.raises(CallError, match="征集已结束"):
        application_withdraw(application=b, by=setup["users"]["other_team"])
    with pytest.raises(CallError, match="征集已结束"):
        apply(call=call, achievement=setup["mine"], by=setup["users"]["team"])


def test_decide_for_a_cancelled_roadshow_is_refused(setup):
    from events.services import roadshow_transition

    a, b, c = _three_applied(setup)
    call = pass_deadline(setup["call"])
    roadshow_transition(
        roadshow=setup["roadshow"],
        action="cancel",
        by=setup["users"]["organizer"],
        note="场地调整",
    )
    call.refresh_from_db()
    with pytest.raises(CallError, match="已开始、已结束或已取消"):
        call_decide(call=call, accepted=[b], by=setup["users"]["organizer"])
    assert setup["roadshow"].slots.count() == 0
