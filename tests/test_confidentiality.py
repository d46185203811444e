"""R2 on every path: walk every URL pattern of the platform as each adversary
and prove that nothing of a restricted, a withheld or a draft achievement
leaks (title, summary, project number, files).

Every URL pattern must be listed in ``ROUTES`` with the concrete paths to try:
a new route that is not listed fails ``test_every_route_is_walked``.
"""

import io
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from pypdf import PdfWriter

from achievements.services import achievement_transition, attachment_add
from events.calendars import personal_token
from events.enums import SlotKind
from events.materials import material_review, material_upload
from events.registrations import registration_create
from events.services import roadshow_transition, slot_add
from livestream.services import ask, room_of
from tests.factories import make_achievement
from tests.factories.events import make_roadshow
from tests.tracker.helpers import walk_to_registration
from uploads import check_attachment

# Every secret's text carries its marker (ASCII, so it is found in JSON,
# escaped HTML and inside PDFs alike).
RESTRICTED, WITHHELD, DRAFT = "ZQRSECRET", "ZQWSECRET", "ZQDSECRET"

# Who may legitimately see which: approved investors and demand-side members
# see restricted achievements; nobody outside sees withheld or draft ones.
ADVERSARIES = {
    "anonymous": {RESTRICTED, WITHHELD, DRAFT},
    "pending_investor": {RESTRICTED, WITHHELD, DRAFT},
    "other_team": {RESTRICTED, WITHHELD, DRAFT},
    "investor": {WITHHELD, DRAFT},
    "deal_party": {WITHHELD, DRAFT},
    # A technology manager of another institution (乙研究院): nothing of 甲大学's.
    "other_manager": {RESTRICTED, WITHHELD, DRAFT},
}


def _pdf(marker: str, author: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": f"{marker}-file", "/Subject": marker})
    if author:
        writer.add_metadata({"/Author": author})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _secret(marker: str, owner, state: str, field_code="new-materials"):
    from achievements.models import IndustryField

    return make_achievement(
        owner=owner,
        state=state,
        title=f"{marker}成果标题",
        summary=f"{marker} 成果摘要，含未公开参数。",
        project_number=f"{marker}-2026",
        team=f"{marker}团队",
        keywords=f"{marker}",
        patents=f"ZL{marker}",
        field=IndustryField.objects.get(code=field_code),
    )


def _attach(achievement, marker: str, by):
    checked = check_attachment(
        SimpleUploadedFile(f"{marker}-附件.pdf", _pdf(marker), "application/pdf")
    )
    return attachment_add(
        achievement=achievement,
        content=checked.content,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        by=by,
    )


@pytest.fixture
def world(roles, django_capture_on_commit_callbacks, request):
    """A public roadshow whose programme had an achievement that was later
    withheld (with cleared materials, files and a live question), an
    investors-only roadshow with a restricted achievement, a draft, deals."""
    from achievements.models import Demand, Province
    from tracker.services import deal_create, deal_move, disclosure_review

    users, orgs = roles
    owner, reviewer = orgs["owner"], users["reviewer"]
    public = make_achievement(owner=owner, state="public", title="公开的成果")
    restricted = _secret(RESTRICTED, owner, "draft")
    withheld = _secret(WITHHELD, owner, "draft")
    draft = _secret(DRAFT, owner, "draft")
    for achievement, marker in ((restricted, RESTRICTED), (withheld, WITHHELD)):
        _attach(achievement, marker, users["team"])
        achievement_transition(achievement=achievement, action="submit", by=None)
    _attach(draft, DRAFT, users["team"])
    for achievement, action in ((restricted, "restrict"), (withheld, "clear")):
        achievement.refresh_from_db()
        achievement_transition(
            achievement=achievement,
            action=action,
            by=reviewer,
            comment="审查意见",
            seen_revision=achievement.revision,
        )
        achievement.refresh_from_db()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        open_day = make_roadshow(
            lead_host=orgs["torch"],
            title="公开路演",
            registration_opens=now - timezone.timedelta(days=1),
            start=now - timezone.timedelta(minutes=30),
            end=now + timezone.timedelta(hours=2),
        )
        slots = [
            slot_add(
                roadshow=open_day,
                kind=SlotKind.PITCH,
                duration_minutes=20,
                achievement=a,
            )
            for a in (public, withheld)
        ]
        closed_door = make_roadshow(
            lead_host=orgs["torch"], title="投资方专场", investors_only=True
        )
        slots.append(
            slot_add(
                roadshow=closed_door,
                kind=SlotKind.PITCH,
                duration_minutes=20,
                achievement=restricted,
            )
        )
        # The one to be withheld is shown on the investors' day too (and
        # asked about in its matchmaking).
        slots.append(
            slot_add(
                roadshow=closed_door,
                kind=SlotKind.PITCH,
                duration_minutes=20,
                achievement=withheld,
            )
        )
        for roadshow in (open_day, closed_door):
            roadshow_transition(
                roadshow=roadshow, action="publish", by=users["organizer"]
            )
        roadshow_transition(roadshow=open_day, action="go_live", by=users["organizer"])
    # A draft roadshow (never published) with the restricted achievement in
    # its programme: unknown to everyone outside.
    draft_roadshow = make_roadshow(
        lead_host=orgs["torch"], title="草案路演", investors_only=True
    )
    slot_add(
        roadshow=draft_roadshow,
        kind=SlotKind.PITCH,
        duration_minutes=20,
        achievement=restricted,
    )
    materials = []
    for slot, marker in ((slots[1], WITHHELD), (slots[2], RESTRICTED)):
        material = material_upload(
            slot=slot,
            kind="deck",
            upload=SimpleUploadedFile(f"{marker}.pdf", _pdf(marker)),
            by=users["team"],
        )
        material_review(material=material, decision="clear", by=reviewer)
        materials.append(material)
    room = room_of(open_day)
    question = ask(
        user=users["investor"],
        room_id=room.pk,
        text="请问中试进展如何？",
        client_id="walk-1",
        slot_id=slots[1].pk,
    )
    # Matchmaking on the investors' day: the team asks the fund about the
    # achievement about to be withheld, the fund asks about the restricted
    # one; both accepted into the published schedule.
    registration = registration_create(
        roadshow=closed_door, user=users["investor"], attendance="onsite"
    )
    match = _matchmaking(closed_door, users, orgs, withheld, restricted)
    # Now the withdrawal: everything about it must disappear.
    withheld.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        achievement_transition(
            achievement=withheld,
            action="withhold",
            by=reviewer,
            comment="涉密",
            seen_revision=withheld.revision,
        )
    deal_party = users["enterprise"]
    deals = [
        deal_create(
            by=users["investor"],
            achievement=restricted,
            counterparty=orgs["fund"],
            transfer_mode="assignment",
            path="listed",
        ),
        deal_create(
            by=deal_party,
            achievement=public,
            counterparty=orgs["enterprise"],
            transfer_mode="licence",
            path="listed",
        ),
    ]
    # An auction of the restricted achievement, with a bid from outside the
    # deal (the approved fund registered for it).
    from tracker.services import auction_register, bid_place

    auction = deal_create(
        by=users["organizer"],
        achievement=restricted,
        counterparty=orgs["enterprise"],
        transfer_mode="assignment",
        path="auction",
    )
    deal_move(deal_id=auction.pk, to="negotiation", by=None, expected="interest")
    deal_move(
        deal_id=auction.pk,
        to="listing",
        by=None,
        expected="negotiation",
        data={
            "listing_number": "PM-W",
            "listing_date": timezone.localdate(),
            "listing_ends": timezone.localdate() + timezone.timedelta(days=3),
            "listing_price": 100,
            "bid_increment": 5,
            "agency": orgs["torch"],
        },
    )
    deal_move(deal_id=auction.pk, to="bidding", by=None, expected="listing")
    auction_register(
        deal_id=auction.pk, organization=orgs["fund"], by=users["investor"]
    )
    bid_place(deal_id=auction.pk, bidder=orgs["fund"], amount=100, by=users["investor"])
    deals.append(auction)
    # The restricted deal is followed to its public disclosure, whose own
    # text a reviewer cleared.
    walk_to_registration(deals[0], users["organizer"])
    today = timezone.localdate()
    deal_move(
        deal_id=deals[0].pk,
        to="disclosure",
        by=users["organizer"],
        expected="registration",
        data={
            "disclosure_starts": today,
            "disclosure_ends": today + timezone.timedelta(days=20),
            "disclosure_title": "一项新材料技术的许可",
            "disclosure_summary": "按公示要求撰写的简介。",
        },
    )
    disclosure_review(deal_id=deals[0].pk, by=reviewer, neutral=False)
    demand = Demand.objects.create(
        organization=orgs["enterprise"],
        title="新材料需求",
        field=public.field,
        description="寻找新材料技术",
        province=Province.objects.get(code="32"),
        status="published",
    )
    # A team's "我们可以对接" with the restricted achievement: only the demand
    # side (approved), the team and organizers see it on the demand's page.
    from matchmaking.models import DemandResponse

    demand_response = DemandResponse.objects.create(
        demand=demand, achievement=restricted, team_org=restricted.owner, score=50
    )
    # Every demand side has a mandate fitting the secrets' field, so the walk
    # renders recommendations (the restricted one fits the approved fund).
    from accounts.models import Organization
    from tests.matchmaking.helpers import make_profile

    for org in (
        orgs["fund"],
        orgs["enterprise"],
        Organization.objects.get(name="丁基金"),
    ):
        make_profile(
            org=org,
            fields=("new-materials",),
            provinces=(),
            modes=(),
            trl=(1, 9),
            ticket=(None, None),
        )
    from accounts.enums import OrganizationKind
    from tests.factories import make_manager, make_org

    office = make_org(kind=OrganizationKind.TRANSFER_OFFICE, name="技术转移中心")
    manager, _ = make_manager(institution=owner, office=office, by=users["team"])
    other_manager, _ = make_manager(
        institution=orgs["other"], office=office, by=users["other_team"]
    )
    users = {
        **users,
        "deal_party": deal_party,
        "manager": manager,
        "other_manager": other_manager,
    }
    calls = _calls(users, orgs, restricted)
    from django.core.files.base import ContentFile

    from jobs.enums import JobState
    from jobs.files import private_storage
    from jobs.models import Job

    # A job an organizer started, whose outcome names the withheld achievement
    # and whose file (an export) holds it.
    written = private_storage().save(
        "jobs/exports/walk.csv", ContentFile(f"{WITHHELD}成果标题\n".encode())
    )
    request.addfinalizer(lambda: private_storage().delete(written))
    job = Job.objects.create(
        kind="tests.walk",
        subject="tests.walk:1",
        state=JobState.DONE,
        message=f"{WITHHELD}成果标题 已处理",
        result={"file": written, "filename": "walk.csv", "content_type": "text/csv"},
        language="zh-hans",
        started_by=users["organizer"],
        finished_at=timezone.now(),
    )
    return {
        "calls": calls,
        "jobs": [job],
        "users": users,
        "orgs": orgs,
        "achievements": [public, restricted, withheld, draft],
        "attachments": [
            (a.pk, f.pk)
            for a in (restricted, withheld, draft)
            for f in a.attachments.all()
        ],
        "roadshows": [open_day, closed_door],
        "draft_roadshow": draft_roadshow,
        "slots": slots,
        "materials": materials,
        "room": room,
        "question": question,
        "deals": deals,
        "demand": demand,
        "demand_response": demand_response,
        "registration": registration,
        "match": match,
    }


def _matchmaking(roadshow, users, orgs, withheld, restricted) -> dict:
    from matchmaking.services import (
        request_accept,
        request_create,
        schedule_publish,
        session_create,
    )

    session = session_create(
        roadshow=roadshow,
        by=users["organizer"],
        tables=2,
        online_rooms=1,
        starts_at=roadshow.start,
        ends_at=roadshow.end,
    )
    schedule_publish(session_id=session.pk, by=users["organizer"])
    asked = request_create(
        by=users["team"],
        session=session,
        achievement=withheld,
        investor_org=orgs["fund"],
        direction="to_investor",
        message="约见",
    )
    request_accept(request_id=asked.pk, by=users["investor"])
    asking = request_create(
        by=users["investor"],
        session=session,
        achievement=restricted,
        investor_org=orgs["fund"],
        direction="to_team",
        message="约见",
    )
    request_accept(request_id=asking.pk, by=users["team"])
    # In the restricted achievement's meeting room, the team shares a file
    # and says something about it.
    from meetrooms.services import chat_send, document_add

    document = document_add(
        user=users["team"],
        meeting_id=asking.meeting.pk,
        upload=SimpleUploadedFile(
            f"{RESTRICTED}-路演材料.pdf", _pdf(RESTRICTED), "application/pdf"
        ),
    )
    chat_send(
        user=users["team"],
        meeting_id=asking.meeting.pk,
        text=f"{RESTRICTED} 中试数据见附件",
        client_id="c1",
    )
    return {
        "session": session,
        "requests": [asked, asking],
        "meetings": [asked.meeting, asking.meeting],
        "slots": list(session.slots.all()[:2]),
        "documents": [document],
    }


def _calls(users, orgs, restricted) -> dict:
    """An anonymised call on a planned investors-only roadshow, to which the
    team applied with the restricted achievement (a deck named after its
    university); the approved fund's member reviews it."""
    from calls.services import application_submit, call_open

    roadshow = make_roadshow(
        lead_host=orgs["torch"], title="征集路演", investors_only=True
    )
    call = call_open(
        roadshow=roadshow,
        title="投资方专场征集",
        deadline=timezone.now() + timezone.timedelta(days=5),
        slots=2,
        criteria=["创新性"],
        anonymised=True,
        reviewers=[users["investor"]],
        by=users["organizer"],
    )
    application = application_submit(
        call=call,
        achievement=restricted,
        summary=f"{RESTRICTED} 路演简介",
        deck=SimpleUploadedFile("甲大学-路演.pdf", _pdf(RESTRICTED, author="甲大学")),
        by=users["team"],
    )
    return {"call": call, "applications": [application]}


def _applications(template: str) -> Callable:
    return lambda w: [template.format(a.pk) for a in w["calls"]["applications"]]


def _call_paths(template: str) -> Callable:
    return lambda w: [template.format(w["calls"]["call"].pk)]


def _match(template: str, key: str) -> Callable:
    return lambda w: [template.format(x.pk) for x in w["match"][key]]


def _session_paths(template: str) -> Callable:
    return lambda w: [template.format(w["match"]["session"].pk)]


def _achievement_ids(w):
    return [a.pk for a in w["achievements"]]


def _roadshow_ids(w):
    return [r.pk for r in w["roadshows"]]


def _pages(w):
    from cms.models import RoadshowPage

    urls = ["/", "/roadshows/", "/cases/", "/roadshows/?kind=field"]
    return urls + [p.url for p in RoadshowPage.objects.all()]


def _invitation_tokens(w) -> list[str]:
    """The approved fund's invitation to the investors-only day (whose
    programme has the restricted achievement), sent to the investor; and the
    token of a second invitation with the first one's digest (no such link)."""
    if "invitation_tokens" not in w:
        from invitations.tokens import invitation_token
        from tests.factories.invitations import invite, make_bank

        investor = w["users"]["investor"]
        investor.email = "investor@fund.example"
        investor.save()
        invitation, token = invite(
            roadshow=w["roadshows"][1],
            organization=w["orgs"]["fund"],
            by=w["users"]["organizer"],
            email=investor.email,
        )
        other, _other_token = invite(
            roadshow=w["roadshows"][1],
            organization=make_bank("巡查银行"),
            by=w["users"]["organizer"],
        )
        forged = f"{other.pk}-{token.partition('-')[2]}"
        w["invitation_tokens"] = [token, forged, invitation_token(invitation) + "0"]
    return w["invitation_tokens"]


def _invitation_paths(suffix: str) -> Callable:
    return lambda w: [f"/invitations/{t}/{suffix}" for t in _invitation_tokens(w)]


def _notification_ids() -> list[int]:
    from accounts.models import Notification

    return list(Notification.objects.order_by("pk").values_list("pk", flat=True))


def _declarations(w) -> list:
    """Open-licence declarations (made once per walk): cleared ones on the
    public, the restricted and the withheld achievement (declared before it
    was withheld), and one still waiting for review on the public
    achievement, whose unpublished text carries the draft marker; the
    restricted one taken by the approved fund."""
    if "declarations" not in w:
        import datetime as dt
        from decimal import Decimal

        from licences.models import Declaration
        from licences.services import licence_take

        public, restricted, withheld, _draft = w["achievements"]
        now = timezone.now()
        today = timezone.localdate()

        def declare(achievement, number, title, *, cleared=True):
            return Declaration.objects.create(
                achievement=achievement,
                patent_number=number,
                patent_title=title,
                patent_type="invention",
                starts=today,
                ends=today + dt.timedelta(days=800),
                territory="中华人民共和国境内",
                fee_mode="lump_sum",
                fee_amount=Decimal("10"),
                reporting=f"{title} 年度报告",
                status="cleared" if cleared else "submitted",
                submitted_at=now,
                cleared_at=now if cleared else None,
            )

        w["declarations"] = [
            declare(public, "ZL202110000001.1", "公开专利"),
            declare(restricted, "ZL202110000002.1", f"{RESTRICTED}专利"),
            declare(withheld, "ZL202110000003.1", f"{WITHHELD}专利"),
            declare(public, "ZL202110000004.1", f"{DRAFT}待审专利", cleared=False),
        ]
        licence_take(
            declaration_id=w["declarations"][1].pk,
            organization=w["orgs"]["fund"],
            by=w["users"]["investor"],
        )
    return w["declarations"]


def _declaration_paths(template: str) -> Callable:
    return lambda w: [template.format(d.pk) for d in _declarations(w)]


def _agri_lists(w) -> list[int]:
    """A published national list with the public achievement, and a draft
    that holds the withheld one (as if withheld after it was selected); the
    enterprise speaks for a county whose demand is the walk's demand."""
    if "agri_lists" not in w:
        import datetime as dt

        from achievements.models import Achievement, AgriTechField, Place, Province
        from agrilists.models import AgriListEntry
        from agrilists.services import list_create, list_entries_add, list_publish

        public, _restricted, withheld, _draft = w["achievements"]
        Achievement.objects.filter(pk__in=[public.pk, withheld.pk]).update(
            agri_tech_field=AgriTechField.objects.get(code="crop-breeding")
        )
        organizer = w["users"]["organizer"]
        lists = []
        for period in ("2026年第三季度", "2026年第四季度"):
            lists.append(
                list_create(
                    scope="national",
                    province=None,
                    period=period,
                    issued_on=dt.date(2026, 9, 30),
                    by=organizer,
                )
            )
        list_entries_add(agri_list=lists[0], achievement_ids=[public.pk], by=organizer)
        list_publish(agri_list=lists[0], by=organizer)
        AgriListEntry.objects.create(agri_list=lists[1], achievement=withheld)
        place = Place.objects.create(
            kind="county",
            name="巡查县",
            admin_code="320101",
            province=Province.objects.get(code="32"),
            organization=w["orgs"]["enterprise"],
        )
        w["demand"].place = place
        w["demand"].save()
        w["agri_lists"] = [x.pk for x in lists]
    return w["agri_lists"]


def _after_lists(path: str) -> Callable:
    return lambda w: [path] if _agri_lists(w) else []


def _agri_entries(w) -> list[tuple[int, int]]:
    from agrilists.models import AgriListEntry

    return list(
        AgriListEntry.objects.filter(agri_list_id__in=_agri_lists(w)).values_list(
            "agri_list_id", "pk"
        )
    )


def _each(template: str, ids: Callable) -> Callable:
    return lambda w: [template.format(pk) for pk in ids(w)]


# Pattern -> the paths tried for it (GET, as every adversary).
ROUTES: dict[str, Callable] = {
    "healthz": lambda w: ["/healthz"],
    "readyz": lambda w: ["/readyz"],
    "metrics": lambda w: ["/metrics"],
    "favicon.ico": lambda w: ["/favicon.ico"],
    "jobs/<int:pk>/": lambda w: (
        [f"/jobs/{j.pk}/" for j in w["jobs"]] + ["/jobs/999999/"]
    ),
    "jobs/<int:pk>/page/": lambda w: (
        [f"/jobs/{j.pk}/page/" for j in w["jobs"]] + ["/jobs/999999/page/"]
    ),
    "jobs/<int:pk>/file/": lambda w: (
        [f"/jobs/{j.pk}/file/" for j in w["jobs"]] + ["/jobs/999999/file/"]
    ),
    "admin/": lambda w: [
        "/admin/",
        "/admin/snippets/",
        "/admin/pages/",
        "/admin/place/",
        f"/admin/roadshows/{w['roadshows'][1].pk}/invitations/",
        "/admin/delegations/",
        "/admin/roadshows/pairs/",
    ],
    "django-admin/": lambda w: ["/django-admin/"],
    "documents/^(\\d+)/(.*)$": lambda w: ["/documents/1/x.pdf"],
    "documents/authenticate_with_password/<int:restriction_id>/": lambda w: [
        "/documents/authenticate_with_password/1/"
    ],
    "i18n/setlang/": lambda w: ["/i18n/setlang/"],
    "lang/<str:code>/": lambda w: ["/lang/en/?next=/achievements/"],
    "jsi18n/": lambda w: ["/jsi18n/"],
    "api/v1/openapi.json": lambda w: ["/api/v1/openapi.json"],
    "api/v1/docs": lambda w: ["/api/v1/docs"],
    "api/v1/achievements": lambda w: [
        "/api/v1/achievements",
        "/api/v1/achievements?q=成果标题",
        "/api/v1/achievements?q=未公开参数",
        "/api/v1/achievements?field=new-materials",
    ],
    "api/v1/achievements/<achievement_id>": _each(
        "/api/v1/achievements/{}", _achievement_ids
    ),
    "api/v1/demands": lambda w: ["/api/v1/demands"],
    "api/v1/progress": lambda w: ["/api/v1/progress"],
    "api/v1/roadshows": lambda w: [
        "/api/v1/roadshows",
        "/api/v1/roadshows?kind=field",
        f"/api/v1/roadshows?month={w['roadshows'][1].start:%Y-%m}",
    ],
    "api/v1/roadshows/<roadshow_id>": lambda w: [
        f"/api/v1/roadshows/{pk}" for pk in [*_roadshow_ids(w), w["draft_roadshow"].pk]
    ],
    "api/v1/<path:rest>": lambda w: ["/api/v1/nothing/here"],
    "api/v1/demands/<demand_id>": lambda w: [f"/api/v1/demands/{w['demand'].pk}"],
    "api/v1/": lambda w: ["/api/v1/"],
    "accounts/login/": lambda w: ["/accounts/login/"],
    "accounts/logout/": lambda w: [],  # GET is refused; logging out ends the walk
    "workspace/": lambda w: ["/workspace/"],
    "workspace/members/": lambda w: ["/workspace/members/"],
    "workspace/delegations/": lambda w: ["/workspace/delegations/"],
    "workspace/delegations/grant/": lambda w: ["/workspace/delegations/grant/"],
    "workspace/delegations/revoke/": lambda w: ["/workspace/delegations/revoke/"],
    # Everybody's notifications, tried by everybody: one's own open, anybody
    # else's is a 404; the list shows titles through the visibility rule.
    "workspace/notifications/": lambda w: [
        "/workspace/notifications/",
        "/workspace/notifications/?unread=1&page=2",
    ],
    "workspace/notifications/<int:pk>/": lambda w: [
        f"/workspace/notifications/{pk}/" for pk in _notification_ids()
    ],
    "workspace/notifications/<int:pk>/read/": lambda w: [
        f"/workspace/notifications/{pk}/read/" for pk in _notification_ids()[:2]
    ],
    "workspace/notifications/read/": lambda w: ["/workspace/notifications/read/"],
    "accounts/notifications/": lambda w: ["/accounts/notifications/"],
    "accounts/signup/": lambda w: ["/accounts/signup/"],
    "accounts/confirm/<str:token>/": lambda w: ["/accounts/confirm/forged:token/"],
    "accounts/password-reset/": lambda w: ["/accounts/password-reset/"],
    "accounts/password-reset/sent/": lambda w: ["/accounts/password-reset/sent/"],
    "accounts/reset/<uidb64>/<token>/": lambda w: ["/accounts/reset/MQ/forged/"],
    "achievements/": lambda w: [
        "/achievements/",
        "/achievements/?q=成果标题",
        "/achievements/?q=未公开参数",
        "/achievements/?q=团队",
        "/achievements/?field=new-materials&sort=title",
    ],
    "achievements/export.xlsx": lambda w: ["/achievements/export.xlsx"],
    "lists/": _after_lists("/lists/"),
    "lists/<int:pk>/": _each("/lists/{}/", _agri_lists),
    "lists/<int:pk>/list.xlsx": _each("/lists/{}/list.xlsx", _agri_lists),
    "lists/manage/": _after_lists("/lists/manage/"),
    "lists/manage/new/": _after_lists("/lists/manage/new/"),
    "lists/<int:pk>/edit/": _each("/lists/{}/edit/", _agri_lists),
    "lists/<int:pk>/entries/add/": _each("/lists/{}/entries/add/", _agri_lists),
    "lists/<int:pk>/entries/<int:entry_id>/remove/": lambda w: [
        f"/lists/{pk}/entries/{entry}/remove/" for pk, entry in _agri_entries(w)
    ],
    "lists/<int:pk>/publish/": _each("/lists/{}/publish/", _agri_lists),
    "workspace/lists/": _after_lists("/workspace/lists/"),
    "achievements/<int:pk>/": _each("/achievements/{}/", _achievement_ids),
    "achievements/<int:pk>/files/<int:attachment_id>/": lambda w: [
        f"/achievements/{a}/files/{f}/" for a, f in w["attachments"]
    ],
    "achievements/<int:pk>/files/": _each("/achievements/{}/files/", _achievement_ids),
    "workspace/achievements/": lambda w: [
        "/workspace/achievements/",
        "/workspace/achievements/?status=returned&sort=status",
    ],
    "workspace/achievements/new/": lambda w: ["/workspace/achievements/new/"],
    "workspace/reviews/": lambda w: [
        "/workspace/reviews/",
        "/workspace/reviews/?sort=newest&status=submitted",
    ],
    "workspace/achievements/<int:pk>/edit/": _each(
        "/workspace/achievements/{}/edit/", _achievement_ids
    ),
    "workspace/achievements/<int:pk>/submit/": _each(
        "/workspace/achievements/{}/submit/", _achievement_ids
    ),
    "workspace/achievements/<int:pk>/review/": _each(
        "/workspace/achievements/{}/review/", _achievement_ids
    ),
    "workspace/profile/": lambda w: ["/workspace/profile/"],
    "demands/": lambda w: ["/demands/"],
    "demands/<int:pk>/": lambda w: [f"/demands/{w['demand'].pk}/"],
    "workspace/demands/new/": lambda w: ["/workspace/demands/new/"],
    "workspace/demands/<int:pk>/edit/": lambda w: [
        f"/workspace/demands/{w['demand'].pk}/edit/"
    ],
    "calendar/roadshows.ics": lambda w: ["/calendar/roadshows.ics"],
    "calendar/roadshows/<int:pk>.ics": _each(
        "/calendar/roadshows/{}.ics", _roadshow_ids
    ),
    "calendar/field/<slug:code>.ics": lambda w: ["/calendar/field/new-materials.ics"],
    "calendar/province/<str:code>.ics": lambda w: ["/calendar/province/32.ics"],
    "calendar/zone/<int:pk>.ics": lambda w: [
        f"/calendar/zone/{w['orgs']['torch'].pk}.ics"
    ],
    "calendar/host/<int:pk>.ics": lambda w: [
        f"/calendar/host/{w['orgs']['torch'].pk}.ics"
    ],
    "calendar/u/<str:token>.ics": lambda w: [
        f"/calendar/u/{personal_token(user)}.ics" for user in w["users"].values()
    ],
    "workspace/calendar/reset/": lambda w: ["/workspace/calendar/reset/"],
    "r/<int:pk>/": _each("/r/{}/", _roadshow_ids),
    "workspace/slots/<int:pk>/materials/": lambda w: [
        f"/workspace/slots/{s.pk}/materials/" for s in w["slots"]
    ],
    "workspace/slots/<int:pk>/materials/upload/": lambda w: [
        f"/workspace/slots/{s.pk}/materials/upload/" for s in w["slots"]
    ],
    "workspace/slots/<int:pk>/links/": lambda w: [
        f"/workspace/slots/{s.pk}/links/" for s in w["slots"]
    ],
    "materials/<int:pk>/": lambda w: [f"/materials/{m.pk}/" for m in w["materials"]],
    "workspace/materials/<int:pk>/review/": lambda w: [
        f"/workspace/materials/{m.pk}/review/" for m in w["materials"]
    ],
    "workspace/slots/<int:pk>/links/review/": lambda w: [
        f"/workspace/slots/{s.pk}/links/review/" for s in w["slots"]
    ],
    "r/<int:pk>/register/": _each("/r/{}/register/", _roadshow_ids),
    "workspace/registrations/<int:pk>/": lambda w: [
        f"/workspace/registrations/{w['registration'].pk}/"
    ],
    "workspace/registrations/<int:pk>/qr.<str:fmt>": lambda w: [
        f"/workspace/registrations/{w['registration'].pk}/qr.svg"
    ],
    "workspace/registrations/<int:pk>/cancel/": lambda w: [
        f"/workspace/registrations/{w['registration'].pk}/cancel/"
    ],
    "checkin/<int:pk>/": _each("/checkin/{}/", _roadshow_ids),
    "checkin/<int:pk>/scan/": _each("/checkin/{}/scan/", _roadshow_ids),
    "checkin/<int:pk>/counts/": _each("/checkin/{}/counts/", _roadshow_ids),
    "checkin/<int:pk>/registrations.xlsx": _each(
        "/checkin/{}/registrations.xlsx", _roadshow_ids
    ),
    "materials/<int:pk>/thumbnail/": lambda w: [
        f"/materials/{m.pk}/thumbnail/" for m in w["materials"]
    ],
    "live/<int:pk>/": _each("/live/{}/", _roadshow_ids),
    "live/<int:pk>/screen/": _each("/live/{}/screen/", _roadshow_ids),
    "live/<int:pk>/questions.xlsx": _each("/live/{}/questions.xlsx", _roadshow_ids),
    "live/<int:pk>/moderators/": _each("/live/{}/moderators/", _roadshow_ids),
    "live/<int:pk>/presenter/": _each("/live/{}/presenter/", _roadshow_ids),
    "live/<int:pk>/scores/": _each("/live/{}/scores/", _roadshow_ids),
    "live/<int:pk>/scores.xlsx": _each("/live/{}/scores.xlsx", _roadshow_ids),
    "live/<int:pk>/judges/": _each("/live/{}/judges/", _roadshow_ids),
    "live/<int:pk>/criteria/": _each("/live/{}/criteria/", _roadshow_ids),
    "deals/": lambda w: ["/deals/"],
    "deals/new/": lambda w: (
        [f"/deals/new/?achievement={pk}" for pk in _achievement_ids(w)]
        + [f"/deals/new/?question={w['question'].pk}"]
        + [f"/deals/new/?meeting={m.pk}" for m in w["match"]["meetings"]]
    ),
    "deals/<int:pk>/": lambda w: [f"/deals/{d.pk}/" for d in w["deals"]],
    "deals/auctions/": lambda w: ["/deals/auctions/"],
    **{
        f"deals/<int:pk>/auction/{action}": (
            lambda w, action=action: [
                f"/deals/{d.pk}/auction/{action}" for d in w["deals"]
            ]
        )
        for action in ("", "register/", "bids/")
    },
    "deals/documents/<int:pk>/": lambda w: ["/deals/documents/1/"],
    # The actions on a deal's page take posts only (a GET is refused).
    **{
        f"deals/<int:pk>/{action}": (
            lambda w, action=action: [f"/deals/{d.pk}/{action}" for d in w["deals"]]
        )
        for action in (
            "moves/",
            "notes/",
            "edit/",
            "payments/",
            "bids/",
            "financing/",
            "case/",
            "evaluation/clear/",
        )
    },
    "deals/<int:pk>/bids/<int:bid_id>/award/": lambda w: [
        f"/deals/{d.pk}/bids/1/award/" for d in w["deals"]
    ],
    "deals/<int:pk>/objections/<int:objection_id>/decide/": lambda w: [
        f"/deals/{d.pk}/objections/1/decide/" for d in w["deals"]
    ],
    "deals/dashboard/": lambda w: ["/deals/dashboard/"],
    "deals/dashboard.xlsx": lambda w: ["/deals/dashboard.xlsx"],
    "deals/dashboard/records/": lambda w: ["/deals/dashboard/records/?kind=landed"],
    "disclosures/": lambda w: ["/disclosures/"],
    "progress/": lambda w: ["/progress/"],
    "disclosures/<int:pk>/": lambda w: [f"/disclosures/{d.pk}/" for d in w["deals"]],
    "deals/<int:pk>/disclosure-review/": lambda w: [
        f"/deals/{d.pk}/disclosure-review/" for d in w["deals"]
    ],
    "open-licences/": lambda w: [
        "/open-licences/",
        "/open-licences/?all=1",
        "/open-licences/?all=1&field=new-materials&province=32&fee=lump_sum",
        f"/open-licences/?all=1&institution={w['orgs']['owner'].pk}",
    ],
    "open-licences/export.xlsx": lambda w: [
        "/open-licences/export.xlsx?all=1",
        f"/open-licences/export.xlsx?all=1&institution={w['orgs']['owner'].pk}",
    ],
    "open-licences/new.ics": lambda w: ["/open-licences/new.ics"],
    "open-licences/<int:pk>/": _declaration_paths("/open-licences/{}/"),
    "open-licences/<int:pk>/take/": _declaration_paths("/open-licences/{}/take/"),
    "workspace/open-licences/": lambda w: [
        "/workspace/open-licences/",
        "/workspace/open-licences/?status=submitted",
    ],
    "workspace/open-licences/new/": lambda w: [
        "/workspace/open-licences/new/",
        *_each("/workspace/open-licences/new/?achievement={}", _achievement_ids)(w),
    ],
    "workspace/open-licences/<int:pk>/edit/": _declaration_paths(
        "/workspace/open-licences/{}/edit/"
    ),
    "workspace/open-licences/<int:pk>/withdraw/": _declaration_paths(
        "/workspace/open-licences/{}/withdraw/"
    ),
    "workspace/open-licences/<int:pk>/review/": _declaration_paths(
        "/workspace/open-licences/{}/review/"
    ),
    "sitemap.xml": lambda w: ["/sitemap.xml"],
    "sitemap-<section>.xml": lambda w: [
        "/sitemap-pages.xml",
        "/sitemap-achievements.xml",
    ],
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": (
        lambda w: ["/_util/authenticate_with_password/1/1/"]
    ),
    "_util/login/": lambda w: ["/_util/login/"],
    "matchmaking/": lambda w: ["/matchmaking/"],
    "matchmaking/recommendations/": lambda w: ["/matchmaking/recommendations/"],
    "matchmaking/recommendations/<int:pk>/dismiss/": _each(
        "/matchmaking/recommendations/{}/dismiss/", _achievement_ids
    ),
    "matchmaking/recommendations/<int:pk>/restore/": _each(
        "/matchmaking/recommendations/{}/restore/", _achievement_ids
    ),
    "matchmaking/digest/": lambda w: ["/matchmaking/digest/"],
    "matchmaking/demands/<int:pk>/respond/": lambda w: [
        f"/matchmaking/demands/{w['demand'].pk}/respond/"
    ],
    "matchmaking/demand-responses/<int:pk>/decline/": lambda w: [
        f"/matchmaking/demand-responses/{w['demand_response'].pk}/decline/"
    ],
    "matchmaking/request/": lambda w: (
        [f"/matchmaking/request/?achievement={pk}" for pk in _achievement_ids(w)]
        + [
            f"/matchmaking/request/?achievement={pk}&investor={w['orgs']['fund'].pk}"
            f"&session={w['match']['session'].pk}"
            for pk in _achievement_ids(w)
        ]
    ),
    "matchmaking/requests/<int:pk>/": _match("/matchmaking/requests/{}/", "requests"),
    **{
        f"matchmaking/requests/<int:pk>/{action}/": _match(
            f"/matchmaking/requests/{{}}/{action}/", "requests"
        )
        for action in ("accept", "decline", "cancel")
    },
    "matchmaking/meetings/<int:pk>/outcome/": _match(
        "/matchmaking/meetings/{}/outcome/", "meetings"
    ),
    "matchmaking/meetings/<int:pk>/mark/": _match(
        "/matchmaking/meetings/{}/mark/", "meetings"
    ),
    "matchmaking/sessions/<int:pk>/availability/": _session_paths(
        "/matchmaking/sessions/{}/availability/"
    ),
    "matchmaking/sessions/<int:pk>/slots/<int:slot_pk>/block/": lambda w: [
        f"/matchmaking/sessions/{w['match']['session'].pk}/slots/{s.pk}/block/"
        for s in w["match"]["slots"]
    ],
    "matchmaking/sessions/<int:pk>/print/": _session_paths(
        "/matchmaking/sessions/{}/print/"
    ),
    "matchmaking/sessions/<int:pk>/staff/": _session_paths(
        "/matchmaking/sessions/{}/staff/"
    ),
    "meet/<int:pk>/": _match("/meet/{}/", "meetings"),
    "meet/<int:pk>/documents/": _match("/meet/{}/documents/", "meetings"),
    "meet/<int:pk>/documents/<int:doc>/": lambda w: [
        f"/meet/{d.room.meeting_id}/documents/{d.pk}/" for d in w["match"]["documents"]
    ],
    "meet/sessions/<int:pk>/board/": _session_paths("/meet/sessions/{}/board/"),
    "invitations/<str:token>/": _invitation_paths(""),
    "invitations/<str:token>/accept/": _invitation_paths("accept/"),
    "invitations/<str:token>/decline/": _invitation_paths("decline/"),
    "invitations/<str:token>/delegate/": _invitation_paths("delegate/"),
    "calls/": lambda w: ["/calls/"],
    "calls/<int:pk>/": _call_paths("/calls/{}/"),
    "workspace/calls/<int:pk>/apply/": _call_paths("/workspace/calls/{}/apply/"),
    "workspace/calls/<int:pk>/review/": _call_paths("/workspace/calls/{}/review/"),
    "workspace/applications/<int:pk>/": _applications("/workspace/applications/{}/"),
    "workspace/applications/<int:pk>/update/": _applications(
        "/workspace/applications/{}/update/"
    ),
    "workspace/applications/<int:pk>/withdraw/": _applications(
        "/workspace/applications/{}/withdraw/"
    ),
    "workspace/applications/<int:pk>/deck/": _applications(
        "/workspace/applications/{}/deck/"
    ),
    "workspace/applications/<int:pk>/score/": _applications(
        "/workspace/applications/{}/score/"
    ),
    "^((?:[\\w\\-]+/)*)$": _pages,
}


def _patterns(patterns=None, prefix: str = "") -> list[str]:
    """Every URL pattern of the project; the admin sites count as one each."""
    found = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if route in {"admin/", "django-admin/"}:
                found.append(route)
            else:
                found.extend(_patterns(p.url_patterns, route))
        elif isinstance(p, URLPattern):
            found.append(route)
    return found


def test_every_route_is_walked():
    missing = sorted(set(_patterns()) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(_patterns()))
    assert (missing, stale) == ([], [])


def _texts(response) -> list[bytes]:
    """What the response shows: its body, and inside spreadsheets (zipped)
    every part."""
    body = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    texts = [body]
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            texts.extend(archive.read(name) for name in archive.namelist())
    return texts


@pytest.mark.parametrize("who", sorted(ADVERSARIES))
def test_no_route_shows_a_secret_to_an_adversary(world, who):
    client = Client()
    if who != "anonymous":
        client.force_login(world["users"][who])
    forbidden = ADVERSARIES[who]
    leaks = []
    walked = 0
    for route, paths in ROUTES.items():
        for path in paths(world):
            response = client.get(path)
            walked += 1
            assert response.status_code < 500, (who, path)
            for text in _texts(response):
                leaks.extend(
                    (route, path, marker)
                    for marker in forbidden
                    if marker.encode() in text
                )
    assert leaks == [], "\n".join(map(str, leaks))
    assert walked > 120


def test_a_manager_sees_their_institutions_secrets_while_delegated(world):
    """The manager of 甲大学 sees its draft and restricted achievements and
    their deal as its team does; revoked, at once nothing."""
    from accounts.models import Delegation
    from accounts.services import delegation_revoke

    client = Client()
    manager = world["users"]["manager"]
    client.force_login(manager)
    _public, restricted, _withheld, draft = world["achievements"]
    pages = [
        f"/achievements/{draft.pk}/",
        f"/achievements/{restricted.pk}/",
        f"/deals/{world['deals'][0].pk}/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
    assert DRAFT.encode() in client.get(pages[0]).content
    assert RESTRICTED.encode() in client.get(pages[2]).content
    delegation_revoke(
        delegation=Delegation.objects.get(manager=manager),
        by=world["users"]["team"],
    )
    for path in pages:
        response = client.get(path)
        assert response.status_code == 404, path
    assert DRAFT.encode() not in client.get("/achievements/?q=ZQ").content


def _pdf_author(response) -> str | None:
    """The author in a downloaded PDF's metadata (pypdf may write it as hex)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return reader.metadata.author if reader.metadata else None


def test_anonymised_reviewer_sees_no_institution(world):
    """The call's reviewer sees the restricted application (an approved
    investor), but nothing that names its university: not the organization,
    not the team, not the deck's file name."""
    reviewer = Client()
    reviewer.force_login(world["users"]["investor"])
    application = world["calls"]["applications"][0]
    seen = []
    for route in (
        "workspace/calls/<int:pk>/review/",
        "workspace/applications/<int:pk>/score/",
        "workspace/applications/<int:pk>/deck/",
        "calls/<int:pk>/",
        "workspace/",
    ):
        for path in ROUTES[route](world):
            response = reviewer.get(path)
            texts = _texts(response) + [
                response.get("Content-Disposition", "").encode()
            ]
            seen.append(any(RESTRICTED.encode() in t for t in texts))
            for text in texts:
                assert "甲大学".encode() not in text, path
                assert b"%E7%94%B2" not in text, path
                assert f"{RESTRICTED}团队".encode() not in text, path
    # The walk is real: the reviewer does see the application itself, and
    # the team its deck as uploaded.
    assert any(seen)
    team = Client()
    team.force_login(world["users"]["team"])
    deck = ROUTES["workspace/applications/<int:pk>/deck/"](world)[0]
    assert _pdf_author(team.get(deck)) == "甲大学"
    assert _pdf_author(reviewer.get(deck)) is None
    assert application.organization.name == "甲大学"


def test_the_walk_would_see_a_leak(world):
    """The check is real: those allowed to see each secret do see it on the
    paths walked above."""
    owner_team = Client()
    owner_team.force_login(world["users"]["team"])
    seen = set()
    for path in _each("/achievements/{}/", _achievement_ids)(world):
        body = owner_team.get(path).content
        seen |= {m for m in (RESTRICTED, WITHHELD, DRAFT) if m.encode() in body}
    assert seen == {RESTRICTED, WITHHELD, DRAFT}
    # The job's starter sees its outcome and downloads its file.
    starter = Client()
    starter.force_login(world["users"]["organizer"])
    job = world["jobs"][0].pk
    assert WITHHELD.encode() in starter.get(f"/jobs/{job}/page/").content
    file = starter.get(f"/jobs/{job}/file/")
    assert any(WITHHELD.encode() in text for text in _texts(file))
    investor = Client()
    investor.force_login(world["users"]["investor"])
    a, f = world["attachments"][0]
    download = investor.get(f"/achievements/{a}/files/{f}/")
    assert any(RESTRICTED.encode() in text for text in _texts(download))
    assert RESTRICTED.encode() in investor.get(f"/api/v1/achievements/{a}").content
    # The investors-only roadshow's programme, through the API.
    closed_door = world["roadshows"][1].pk
    assert (
        RESTRICTED.encode() in investor.get(f"/api/v1/roadshows/{closed_door}").content
    )
    # The approved fund is recommended the restricted achievement.
    recommended = investor.get("/matchmaking/recommendations/").content
    assert RESTRICTED.encode() in recommended
    # Matchmaking: the team sees its own withheld achievement on its hub, the
    # fund the restricted one it asked about.
    team = Client()
    team.force_login(world["users"]["team"])
    assert WITHHELD.encode() in team.get("/matchmaking/").content
    asking = world["match"]["requests"][1]
    page = investor.get(f"/matchmaking/requests/{asking.pk}/").content
    assert RESTRICTED.encode() in page
    # Its meeting room: the page, and the file the team shared there.
    room = investor.get(f"/meet/{asking.meeting.pk}/").content
    assert RESTRICTED.encode() in room
    document = world["match"]["documents"][0]
    shared = investor.get(f"/meet/{asking.meeting.pk}/documents/{document.pk}/")
    assert any(RESTRICTED.encode() in text for text in _texts(shared))
    # The invitation to the investors-only day, opened by its invitee (an
    # approved investor), shows the restricted pitch; opened by anyone else
    # (the walk above) it does not.
    token = _invitation_tokens(world)[0]
    invited = investor.get(f"/invitations/{token}/").content
    assert RESTRICTED.encode() in invited
    # The restricted achievement's open licence is listed to approved
    # investors, in the list, its export and its page.
    declaration = _declarations(world)[1]
    assert RESTRICTED.encode() in investor.get("/open-licences/").content
    exported = investor.get("/open-licences/export.xlsx")
    assert any(RESTRICTED.encode() in text for text in _texts(exported))
    page = investor.get(f"/open-licences/{declaration.pk}/").content
    assert RESTRICTED.encode() in page
    # The one waiting for review is the team's to see.
    waiting = _declarations(world)[3]
    assert DRAFT.encode() in team.get(f"/open-licences/{waiting.pk}/").content
    # The restricted deal's disclosure is public, in its reviewed words only.
    disclosure = Client().get(f"/disclosures/{world['deals'][0].pk}/")
    assert disclosure.status_code == 200
    assert "一项新材料技术的许可" in disclosure.content.decode()
