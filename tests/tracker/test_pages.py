"""The deal pages (#6): who sees and moves which deal, moves with their data
and documents through the page, errors in the user's language with nothing
written, a question in a live room becoming a deal."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from achievements.models import Province
from tests.factories import make_achievement
from tracker.models import Deal, DealDocument, DealMove
from tracker.services import deal_create, deal_move

pytestmark = pytest.mark.django_db


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def deal(roles):
    users, orgs = roles
    achievement = make_achievement(owner=orgs["owner"], state="public")
    return deal_create(
        by=users["organizer"],
        achievement=achievement,
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
        asking_amount="300",
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
        f"/deals/{deal.pk}/",
        {
            "op": "move:listing",
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
    ("post", "message"),
    [
        ({"op": "move:signed", "expected": "negotiation"}, "不能从"),
        (
            {"op": "move:listing", "expected": "negotiation", "listing_number": "X"},
            "请填写",
        ),
        (
            {
                "op": "move:listing",
                "expected": "negotiation",
                "listing_number": "X",
                "listing_date": "2027-05-10",
                "listing_price": "-5",
            },
            "不能为负数",
        ),
        (
            {
                "op": "move:listing",
                "expected": "interest",
                "listing_number": "X",
                "listing_date": "2027-05-10",
                "listing_price": "5",
            },
            "刚被他人推进",
        ),
        ({"op": "payment", "amount": "10", "paid_on": "2027-05-10"}, "进入结算阶段后"),
        ({"op": "hack"}, "未知的操作"),
    ],
)
def test_refused_moves_say_why_and_write_nothing(client, roles, deal, post, message):
    users, _orgs = roles
    deal_move(deal_id=deal.pk, to="negotiation", by=users["team"], expected="interest")
    before = DealMove.objects.count()
    login(client, users["organizer"])
    response = client.post(f"/deals/{deal.pk}/", post)
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
        f"/deals/{deal.pk}/",
        {"op": "note", "note": "合同草稿", "documents": upload},
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
    client.post(f"/deals/{deal.pk}/", {"op": "note", "documents": upload})
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
        f"/deals/{deal.pk}/",
        {
            "op": "note",
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
    client.post(f"/deals/{deal.pk}/", {"op": "note", "note": "电话沟通，对方仍有意向"})
    assert not list(client.get("/deals/?attention=1").context["page"])


def test_the_weekly_digest_goes_once_to_the_responsible_people(roles, deal, mailoutbox):
    from tracker.digest import send_digest

    users, _orgs = roles
    users["team"].email = "team@example.org"
    users["team"].save()
    Deal.objects.filter(pk=deal.pk).update(
        owner_contact=users["team"],
        updated_at=deal.updated_at - dt.timedelta(days=30),
    )
    assert send_digest() == 1
    assert mailoutbox[0].to == ["team@example.org"]
    assert deal.achievement.title in mailoutbox[0].body
    assert f"/deals/{deal.pk}/" in mailoutbox[0].body
    assert send_digest() == 0  # once a week
    assert len(mailoutbox) == 1


def test_landing_needs_its_province_and_the_list_exports(client, roles, deal):
    users, _orgs = roles
    login(client, users["organizer"])
    response = client.get("/deals/?format=xlsx")
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
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
