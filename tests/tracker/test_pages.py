"""The deal pages (#6): who sees and moves which deal, moves with their data
and documents through the page, errors in the user's language with nothing
written, a question in a live room becoming a deal."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from achievements.models import Province
from tests.factories import make_achievement, pdf_bytes
from tests.tracker.helpers import let_disclosure_run
from tracker.models import Deal, DealDocument, DealMove
from tracker.services import deal_create, deal_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(roles):
    users, orgs = roles
    achievement = make_achievement(owner=orgs["owner"], state="public")
    return deal_create(
        by=users["organizer"],
        achievement=achievement,
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
        path="listed",
        asking_amount=Decimal("300"),
    )


def login(client, user):
    client.force_login(user)
    return client


def test_each_side_sees_its_own_deals_and_the_public_none(client, roles, deal):
    users, _orgs = roles
    url = f"/deals/{deal.pk}/"
    for name in ("organizer", "team", "enterprise"):
        login(client, users[name])
        response = client.get(url)
        assert response.status_code == 200, name
        assert deal.achievement.title in response.content.decode()
        assert deal.achievement.title in client.get("/deals/").content.decode()
    for name in ("other_team", "investor", "nobody"):
        login(client, users[name])
        assert client.get(url).status_code == 404, name
        assert deal.achievement.title not in client.get("/deals/").content.decode()
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert client.get("/deals/").status_code == 302


def test_a_move_with_its_data_and_a_document_is_recorded(client, roles, deal):
    users, _orgs = roles
    login(client, users["team"])
    deal_move(deal_id=deal.pk, to="negotiation", by=users["team"], expected="interest")
    response = client.post(
        f"/deals/{deal.pk}/moves/",
        {
            "to": "listing",
            "expected": "negotiation",
            "listing_number": "BJ-2027-001",
            "listing_date": "2027-05-10",
            "listing_price": "280",
            "note": "在北京技术交易所挂牌",
            "documents": SimpleUploadedFile(
                "挂牌公告.pdf", pdf_bytes(), content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == "listing"
    assert deal.listing_number == "BJ-2027-001"
    entry = deal.moves.last()
    assert (entry.from_stage, entry.to_stage, entry.by) == (
        "negotiation",
        "listing",
        users["team"],
    )
    document = entry.documents.get()
    assert document.original_name == "挂牌公告.pdf"
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "挂牌公告.pdf" in page and "在北京技术交易所挂牌" in page
    download = client.get(f"/deals/documents/{document.pk}/")
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    login(client, users["other_team"])
    assert client.get(f"/deals/documents/{document.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("path", "post", "message"),
    [
        ("moves/", {"to": "signed", "expected": "negotiation"}, "不能从"),
        (
            "moves/",
            {"to": "listing", "expected": "negotiation", "listing_number": "X"},
            "请填写",
        ),
        (
            "moves/",
            {
                "to": "listing",
                "expected": "negotiation",
                "listing_number": "X",
                "listing_date": "2027-05-10",
                "listing_price": "-5",
            },
            "不能为负数",
        ),
        (
            "moves/",
            {
                "to": "listing",
                "expected": "interest",
                "listing_number": "X",
                "listing_date": "2027-05-10",
                "listing_price": "5",
            },
            "刚被他人推进",
        ),
        ("payments/", {"amount": "10", "paid_on": "2027-05-10"}, "进入结算阶段后"),
        ("", {"op": "hack"}, "未知的操作"),
    ],
)
def test_refused_moves_say_why_and_write_nothing(
    client, roles, deal, path, post, message
):
    users, _orgs = roles
    deal_move(deal_id=deal.pk, to="negotiation", by=users["team"], expected="interest")
    before = DealMove.objects.count()
    login(client, users["organizer"])
    response = client.post(f"/deals/{deal.pk}/{path}", post)
    assert response.status_code == 200
    assert message in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage == "negotiation"
    assert DealMove.objects.count() == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("contract.pdf", b"MZ\x90\x00 this is an exe", "不是受支持的图片"),
        ("photo.png", b"<html><script>alert(1)</script></html>", "不是受支持的图片"),
        ("enc.pdf", b"%PDF-1.4 garbage", "PDF"),
        ("x" * 300 + ".pdf", None, "文件名过长"),
    ],
)
def test_a_document_that_is_not_what_it_claims_is_refused(
    client, roles, deal, name, data, message
):
    users, _orgs = roles
    login(client, users["team"])
    upload = SimpleUploadedFile("f.pdf", data or pdf_bytes())
    upload.name = name  # what a hostile client sends, unsanitized
    response = client.post(
        f"/deals/{deal.pk}/notes/",
        {"note": "合同草稿", "documents": upload},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DealDocument.objects.exists()
    assert DealMove.objects.filter(deal=deal).count() == 1


def test_a_document_name_with_a_path_keeps_no_path(client, roles, deal):
    users, _orgs = roles
    login(client, users["team"])
    upload = SimpleUploadedFile("f.pdf", pdf_bytes())
    upload.name = "../../etc/passwd.pdf"
    client.post(f"/deals/{deal.pk}/notes/", {"documents": upload})
    document = DealDocument.objects.get()
    assert "/" not in document.original_name and ".." not in document.original_name
    assert document.file.name.startswith(f"deals/{deal.pk}/")
    assert "passwd" not in document.file.name  # stored under a generated name


def test_a_progress_report_and_an_image_reencoded(client, roles, deal):
    users, _orgs = roles
    login(client, users["enterprise"])
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(image, format="JPEG")
    response = client.post(
        f"/deals/{deal.pk}/notes/",
        {
            "note": "已完成技术尽调",
            "documents": SimpleUploadedFile("现场.jpg", image.getvalue()),
        },
    )
    assert response.status_code == 302
    entry = deal.moves.last()
    assert entry.note == "已完成技术尽调" and entry.from_stage == entry.to_stage
    assert entry.documents.get().content_type == "image/jpeg"


def test_a_moderator_turns_a_live_question_into_a_deal(client, roles, live):
    from livestream.services import ask

    users, orgs = roles
    question = ask(
        user=users["enterprise"],
        room_id=live["room"].pk,
        text="贵团队是否接受独占许可？",
        slot_id=live["slot"].pk,
        client_id="c1",
    )
    login(client, users["organizer"])
    url = f"/deals/new/?question={question.pk}"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "贵团队是否接受独占许可？" in body
    assert f'value="{orgs["enterprise"].pk}" selected' in body
    response = client.post(
        url,
        {
            "counterparty": orgs["enterprise"].pk,
            "transfer_mode": "licence",
            "asking_amount": "120",
            "note": "现场提问后表达许可意向",
        },
    )
    deal = Deal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/deals/{deal.pk}/"
    assert deal.question == question
    assert deal.slot == live["slot"] and deal.roadshow == live["roadshow"]
    assert deal.achievement == live["slot"].achievement
    assert deal.counterparty_contact == users["enterprise"]
    assert deal.moves.get().to_stage == "interest"
    # Viewers of the room may not turn its questions into deals.
    login(client, users["investor"])
    assert client.get(url).status_code == 403


def test_the_demand_side_registers_its_own_interest_only(client, roles):
    users, orgs = roles
    achievement = make_achievement(owner=orgs["owner"], state="public")
    login(client, users["investor"])
    url = f"/deals/new/?achievement={achievement.pk}"
    body = client.get(url).content.decode()
    assert orgs["fund"].name in body and orgs["enterprise"].name not in body
    response = client.post(
        url, {"counterparty": orgs["enterprise"].pk, "transfer_mode": "licence"}
    )
    assert response.status_code == 200 and not Deal.objects.exists()
    client.post(url, {"counterparty": orgs["fund"].pk, "transfer_mode": "licence"})
    assert Deal.objects.get().counterparty == orgs["fund"]
    login(client, users["pending_investor"])
    assert client.get(url).status_code == 403


def test_needs_attention_lists_stale_deals(client, roles, deal):
    users, _orgs = roles
    login(client, users["organizer"])
    assert deal.pk not in client.get("/deals/?attention=1").context["attention"]
    Deal.objects.filter(pk=deal.pk).update(
        updated_at=deal.updated_at - dt.timedelta(days=30)
    )
    response = client.get("/deals/?attention=1")
    assert [d.pk for d in response.context["page"]] == [deal.pk]
    assert "需跟进" in response.content.decode()
    # A progress report is activity: the deal no longer needs attention.
    client.post(f"/deals/{deal.pk}/notes/", {"note": "电话沟通，对方仍有意向"})
    assert not list(client.get("/deals/?attention=1").context["page"])


def test_the_weekly_digest_goes_once_to_the_responsible_people(
    roles, deal, mailoutbox, django_capture_on_commit_callbacks
):
    from tracker.digest import send_digest

    users, _orgs = roles
    users["team"].email = "team@example.org"
    users["team"].save()
    Deal.objects.filter(pk=deal.pk).update(
        owner_contact=users["team"],
        updated_at=deal.updated_at - dt.timedelta(days=30),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digest() == 1
    assert mailoutbox[0].to == ["team@example.org"]
    assert deal.achievement.title in mailoutbox[0].body
    assert f"/deals/{deal.pk}/" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digest() == 0  # once a week
    assert len(mailoutbox) == 1


def test_landing_needs_its_province_and_the_list_exports(client, roles, deal):
    users, _orgs = roles
    login(client, users["organizer"])
    response = client.get("/deals/?format=xlsx")
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))[
        "成果转化项目"
    ]
    rows = list(sheet.values)
    assert rows[1][1] == deal.achievement.title
    login(client, users["team"])
    assert client.get("/deals/?format=xlsx").status_code == 403
    assert Province.objects.exists()


def test_the_achievement_page_offers_interest_and_lists_its_deals(client, roles, deal):
    users, orgs = roles
    url = f"/achievements/{deal.achievement.pk}/"
    login(client, users["investor"])
    body = client.get(url).content.decode()
    assert f"/deals/new/?achievement={deal.achievement.pk}" in body
    assert f"/deals/{deal.pk}/" not in body  # not the fund's deal
    login(client, users["team"])
    assert f"/deals/{deal.pk}/" in client.get(url).content.decode()
    login(client, users["pending_investor"])
    assert "/deals/new/" not in client.get(url).content.decode()


# Bids (#12): placed by the bidder's own people, or by an organizer on the
# bidder's behalf; awarded by organizers or the handling exchange only.


@pytest.fixture
def bidding(roles):
    from accounts.enums import OrganizationKind, Role
    from tests.factories import make_org, make_user

    users, orgs = roles
    exchange = make_org(kind=OrganizationKind.TECHNOLOGY_EXCHANGE, name="某技术交易所")
    clerk = make_user(role=Role.TEAM, org=exchange, username="exchange_clerk")
    deal = deal_create(
        by=users["organizer"],
        achievement=make_achievement(owner=orgs["owner"], state="public"),
        counterparty=orgs["enterprise"],
        transfer_mode="assignment",
        path="listed",
        agency=exchange,
    )
    for to, data in [
        ("negotiation", {}),
        (
            "listing",
            {
                "listing_number": "L",
                "listing_date": dt.date(2027, 5, 10),
                "listing_price": Decimal("5"),
            },
        ),
        ("bidding", {}),
    ]:
        deal.refresh_from_db()
        deal_move(
            deal_id=deal.pk,
            to=to,
            by=users["organizer"],
            expected=deal.stage,
            data=data,
        )
    return deal, clerk


def test_a_bid_is_placed_by_its_bidder_and_awarded_by_the_exchange(
    client, roles, bidding
):
    from tracker.models import Bid

    users, orgs = roles
    deal, clerk = bidding
    url = f"/deals/{deal.pk}/"
    bids = f"/deals/{deal.pk}/bids/"
    login(client, users["enterprise"])
    # Not for another organization.
    response = client.post(bids, {"bidder": orgs["fund"].pk, "amount": "9"})
    assert "只能以本单位名义出价" in response.content.decode()
    assert not Bid.objects.exists()
    client.post(bids, {"bidder": orgs["enterprise"].pk, "amount": "8"})
    own = Bid.objects.get()
    assert (own.bidder, own.placed_by, own.on_behalf) == (
        orgs["enterprise"],
        users["enterprise"],
        False,
    )
    # A party may not award the win (its own or anyone's).
    for name in ("enterprise", "team"):
        login(client, users[name])
        response = client.post(f"{bids}{own.pk}/award/")
        assert "只有组织方或承办的技术交易机构" in response.content.decode(), name
        assert "/award/" not in client.get(url).content.decode()
    assert not Bid.objects.filter(winner=True).exists()
    # An organizer places a bid on the fund's behalf, recorded as such.
    login(client, users["organizer"])
    client.post(bids, {"bidder": orgs["fund"].pk, "amount": "9"})
    behalf = Bid.objects.get(bidder=orgs["fund"])
    assert (behalf.placed_by, behalf.on_behalf) == (users["organizer"], True)
    entry = deal.moves.last()
    assert entry.data == {"bid": "9", "bidder": orgs["fund"].pk, "on_behalf": True}
    assert "代为登记" in client.get(url).content.decode()
    # The handling exchange awards.
    login(client, clerk)
    assert f'action="{bids}{behalf.pk}/award/"' in client.get(url).content.decode()
    client.post(f"{bids}{behalf.pk}/award/")
    assert Bid.objects.get(winner=True) == behalf


# Bad input (#12): every form of the deal page answers hostile values with a
# message in the user's language and changes nothing.


def _state(deal):
    from django.forms.models import model_to_dict

    from tracker.models import Bid, Financing, Objection, Payment

    deal.refresh_from_db()
    return (
        model_to_dict(deal),
        list(DealMove.objects.values_list("pk", flat=True)),
        list(Payment.objects.values_list("pk", "amount")),
        list(Bid.objects.values_list("pk", "amount", "winner")),
        list(Objection.objects.values_list("pk", "status", "resolution")),
        list(Financing.objects.values_list("pk", flat=True)),
        list(DealDocument.objects.values_list("pk", flat=True)),
    )


def _walk(deal, by, to_stage):
    today = dt.date(2027, 5, 10)
    steps = [
        ("negotiation", {}),
        ("listing", {"listing_number": "L", "listing_date": today, "listing_price": 9}),
        (
            "signed",
            {"contract_number": "C", "contract_date": today, "agreed_amount": 8},
        ),
        ("settlement", {}),
        ("registration", {"registration_number": "R"}),
        ("disclosure", {"disclosure_starts": timezone.localdate()}),
        ("certificate", {"certificate_number": "Z"}),
    ]
    deal.refresh_from_db()
    names = [to for to, _data in steps]
    start = names.index(deal.stage) + 1 if deal.stage in names else 0
    for to, data in steps[start : names.index(to_stage) + 1]:
        deal.refresh_from_db()
        if to == "certificate":
            let_disclosure_run(deal)
        deal_move(deal_id=deal.pk, to=to, by=by, expected=deal.stage, data=data)
    deal.refresh_from_db()


LONG = "长" * 5000
NUL = "合同\x00编号"
MONEY_BAD = [
    ("abc", "金额格式不正确"),
    ("-1", "不能为负数"),
    ("1e20", "金额过大"),
    ("99999999999999999999", "金额过大"),
    ("0.001", "两位小数"),
    ("NaN", "金额格式不正确"),
]
DATE_BAD = [
    ("2027-02-30", "日期格式不正确"),
    ("明天", "日期格式不正确"),
    ("9999-12-31", "日期应在"),
    ("0001-01-01", "日期应在"),
]
HOSTILE = [
    # (stage the deal is in, posted values, message)
    *[
        (
            "negotiation",
            "moves/",
            {"to": "listing", "listing_number": "L", "listing_date": "2027-05-10"}
            | {"listing_price": value},
            message,
        )
        for value, message in MONEY_BAD
    ],
    *[
        (
            "negotiation",
            "moves/",
            {"to": "listing", "listing_number": "L", "listing_price": "5"}
            | {"listing_date": value},
            message,
        )
        for value, message in DATE_BAD
    ],
    (
        "negotiation",
        "moves/",
        {
            "to": "listing",
            "listing_number": "L" * 65,
            "listing_date": "2027-05-10",
            "listing_price": "5",
        },
        "不能超过 64 个字",
    ),
    (
        "negotiation",
        "moves/",
        {
            "to": "listing",
            "listing_number": NUL,
            "listing_date": "2027-05-10",
            "listing_price": "5",
        },
        "无效字符",
    ),
    ("negotiation", "moves/", {"to": "negotiation"}, "不能从"),
    (
        "negotiation",
        "moves/",
        {"to": "abandoned", "abandon_reason": "bored"},
        "选项不正确",
    ),
    (
        "negotiation",
        "moves/",
        {"to": "abandoned", "abandon_reason": "price", "abandon_note": LONG},
        "不能超过 4000 个字",
    ),
    ("negotiation", "notes/", {"note": LONG}, "内容过长"),
    ("negotiation", "notes/", {"note": "进展\x00"}, "无效字符"),
    (
        "registration",
        "moves/",
        {"to": "disclosure", "disclosure_starts": "9999-12-31"},
        "日期应在",
    ),
    (
        "registration",
        "moves/",
        {"to": "disclosure", "disclosure_starts": "2026-13-01"},
        "日期格式不正确",
    ),
    *[
        ("settlement", "payments/", {"amount": value, "paid_on": "2027-05-10"}, m)
        for value, m in MONEY_BAD
    ],
    *[
        ("settlement", "payments/", {"amount": "1", "paid_on": value}, m)
        for value, m in DATE_BAD
    ],
    (
        "settlement",
        "payments/",
        {"amount": "1", "paid_on": "2027-05-10", "note": "注" * 201},
        "不能超过 200 个字",
    ),
    (
        "settlement",
        "payments/",
        {"amount": "1", "paid_on": "2027-05-10", "note": "\x00"},
        "无效字符",
    ),
    (
        "certificate",
        "moves/",
        {
            "to": "landed",
            "landed_kind": "production_line",
            "landed_evidence": "投产",
            "province_id": "999999",
        },
        "请选择列表中的省份",
    ),
    (
        "certificate",
        "moves/",
        {
            "to": "landed",
            "landed_kind": "production_line",
            "landed_evidence": "投产",
            "province_id": "1 OR 1=1",
        },
        "请选择列表中的省份",
    ),
    (
        "certificate",
        "moves/",
        {
            "to": "landed",
            "landed_kind": "spaceship",
            "landed_evidence": "投产",
            "province_id": "1",
        },
        "选项不正确",
    ),
    *[
        (
            "negotiation",
            "financing/",
            {
                "kind": "equity",
                "institution": "某基金",
                "on": "2027-05-10",
            }
            | {"amount": value},
            m,
        )
        for value, m in MONEY_BAD
    ],
    (
        "negotiation",
        "financing/",
        {"kind": "bogus", "institution": "某基金", "amount": "1"},
        "选项不正确",
    ),
    (
        "negotiation",
        "financing/",
        {
            "kind": "equity",
            "institution": "某基金",
            "amount": "1",
            "on": "2027-02-30",
        },
        "日期格式不正确",
    ),
    (
        "negotiation",
        "financing/",
        {
            "kind": "equity",
            "institution": "机" * 201,
            "amount": "1",
            "on": "2027-05-10",
        },
        "不能超过 200 个字",
    ),
    (
        "negotiation",
        "financing/",
        {
            "kind": "equity",
            "institution": "\x00",
            "amount": "1",
            "on": "2027-05-10",
        },
        "无效字符",
    ),
    ("negotiation", "edit/", {"edit-asking_amount": "1e20"}, "请更正"),
    ("negotiation", "edit/", {"edit-asking_amount": "abc"}, "请更正"),
    ("negotiation", "edit/", {"edit-agency": "999999"}, "请更正"),
    ("negotiation", "edit/", {"edit-origin_province": "abc"}, "请更正"),
    ("negotiation", "edit/", {"edit-owner_contact": "OTHER_USER"}, "请更正"),
    ("negotiation", "case/", {}, "项目落地后才能生成典型案例"),
    ("negotiation", "objections/OTHER_OBJECTION/decide/", {}, "异议不存在"),
    ("negotiation", "objections/99999999999999999999/decide/", {}, "不存在"),
]


@pytest.fixture
def elsewhere(roles):
    """Another deal with an objection and a bid, whose ids are posted."""
    from tracker.models import Bid, Objection

    users, orgs = roles
    other = deal_create(
        by=users["organizer"],
        achievement=make_achievement(owner=orgs["other"], state="public"),
        counterparty=orgs["fund"],
        transfer_mode="licence",
        path="listed",
    )
    objection = Objection.objects.create(
        deal=other, name="某人", contact="x", reason="理由"
    )
    bid = Bid.objects.create(
        deal=other, bidder=orgs["enterprise"], amount=5, placed_at=timezone.now()
    )
    return {
        "OTHER_OBJECTION": str(objection.pk),
        "OTHER_BID": str(bid.pk),
        "OTHER_USER": str(users["investor"].pk),
    }


@pytest.mark.parametrize(("stage", "path", "post", "message"), HOSTILE)
def test_every_deal_form_answers_hostile_values_and_changes_nothing(
    client, roles, deal, elsewhere, stage, path, post, message
):
    users, _orgs = roles
    _walk(deal, users["organizer"], stage)
    path = "/".join(elsewhere.get(part, part) for part in path.split("/"))
    post = {key: elsewhere.get(value, value) for key, value in post.items()}
    post.setdefault("expected", deal.stage)
    if path == "edit/":
        post = {
            "edit-asking_amount": "300",
            "edit-agency": "",
            "edit-origin_province": "",
            "edit-owner_contact": "",
            "edit-counterparty_contact": "",
        } | post
    before = _state(deal)
    login(client, users["organizer"])
    response = client.post(f"/deals/{deal.pk}/{path}", post)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _state(deal) == before


def test_bids_with_hostile_values_change_nothing(client, roles, bidding, elsewhere):
    users, orgs = roles
    deal, _clerk = bidding
    login(client, users["organizer"])
    cases = [
        ("bids/", {"bidder": "999999", "amount": "5"}, "请选择竞买方"),
        ("bids/", {"bidder": "abc", "amount": "5"}, "请选择竞买方"),
        ("bids/", {"bidder": orgs["owner"].pk, "amount": "5"}, "不能参与竞价"),
        *[("bids/", {"bidder": orgs["fund"].pk, "amount": v}, m) for v, m in MONEY_BAD],
        (f"bids/{elsewhere['OTHER_BID']}/award/", {}, "出价不存在"),
        # A page loaded before the actions had their own addresses names
        # the bid in the post (an address cannot carry "abc").
        ("", {"op": "award", "bid": "abc"}, "出价不存在"),
        ("bids/99999999999999999999/award/", {}, "出价不存在"),
    ]
    for path, post, message in cases:
        before = _state(deal)
        response = client.post(f"/deals/{deal.pk}/{path}", post)
        assert response.status_code == 200, post
        assert message in response.content.decode(), post
        assert _state(deal) == before, post


def test_re_signing_below_the_settled_amount_is_refused(client, roles, deal):
    from tracker.services import objection_file, objection_resolve, payment_add

    users, _orgs = roles
    _walk(deal, users["organizer"], "settlement")
    payment_add(
        deal_id=deal.pk,
        amount=Decimal("8"),
        paid_on=dt.date(2027, 5, 10),
        by=users["team"],
    )
    _walk(deal, users["organizer"], "disclosure")
    objection = objection_file(
        deal_id=deal.pk, name="某人", contact="x", reason="权属争议"
    )
    objection_resolve(
        objection_id=objection.pk, upheld=True, resolution="成立", by=users["organizer"]
    )
    deal_move(
        deal_id=deal.pk, to="listing", by=users["organizer"], expected="negotiation"
    )
    before = _state(deal)
    login(client, users["team"])
    response = client.post(
        f"/deals/{deal.pk}/moves/",
        {
            "to": "signed",
            "expected": "listing",
            "contract_number": "C-2",
            "contract_date": "2027-06-01",
            "agreed_amount": "5",
        },
    )
    assert response.status_code == 200
    assert "成交金额不能低于已结算的 8.00 万元" in response.content.decode()
    assert _state(deal) == before


def test_an_objection_with_hostile_text_is_refused_on_the_public_page(client, roles):
    import time

    from django.core import signing

    from tracker.models import Objection
    from tracker.views.public import FORM_SALT

    users, orgs = roles
    deal = deal_create(
        by=users["organizer"],
        achievement=make_achievement(owner=orgs["owner"], state="public"),
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
        path="listed",
    )
    _walk(deal, users["organizer"], "disclosure")
    token = signing.dumps({"deal": deal.pk, "t": time.time() - 10}, salt=FORM_SALT)
    response = client.post(
        f"/disclosures/{deal.pk}/",
        {"token": token, "name": "张\x00三", "contact": "x", "reason": "理由"},
    )
    assert response.status_code == 400
    assert "无效字符" in response.content.decode()
    assert not Objection.objects.exists()


def test_a_new_deal_with_hostile_values_is_refused(client, roles):
    users, orgs = roles
    achievement = make_achievement(owner=orgs["owner"], state="public")
    login(client, users["team"])
    url = f"/deals/new/?achievement={achievement.pk}"
    good = {"counterparty": orgs["enterprise"].pk, "transfer_mode": "licence"}
    for change, message in [
        ({"counterparty": "999999"}, "选择一个有效的选项"),
        ({"transfer_mode": "theft"}, "选择一个有效的选项"),
        ({"asking_amount": "1e20"}, "不超过 14 个数字"),
        ({"asking_amount": "-1"}, "大于或等于0"),
        ({"agency": orgs["fund"].pk}, "选择一个有效的选项"),
        ({"note": "长" * 5000}, "内容过长"),
        ({"note": "意向\x00"}, "不允许是用空字符串"),
    ]:
        response = client.post(url, good | change)
        assert response.status_code == 200, change
        assert message in response.content.decode(), change
    assert not Deal.objects.exists()


def test_an_objection_decision_with_hostile_values_changes_nothing(client, roles, deal):
    from tracker.services import objection_file

    users, _orgs = roles
    _walk(deal, users["organizer"], "disclosure")
    objection = objection_file(deal_id=deal.pk, name="某人", contact="x", reason="理由")
    login(client, users["organizer"])
    for post, message in [
        ({"decision": "maybe", "resolution": "意见"}, "请选择处理结果"),
        ({"decision": "uphold", "resolution": "  "}, "请填写处理意见"),
        ({"decision": "uphold", "resolution": "长" * 2001}, "内容过长"),
        ({"decision": "dismiss", "resolution": "意见\x00"}, "无效字符"),
    ]:
        before = _state(deal)
        response = client.post(
            f"/deals/{deal.pk}/objections/{objection.pk}/decide/", post
        )
        assert response.status_code == 200, post
        assert message in response.content.decode(), post
        assert _state(deal) == before, post
    # A party may not decide at all.
    login(client, users["team"])
    response = client.post(
        f"/deals/{deal.pk}/objections/{objection.pk}/decide/",
        {"decision": "dismiss", "resolution": "不成立"},
    )
    assert response.status_code == 403
    objection.refresh_from_db()
    assert objection.status == "open"
