"""Issue 6 end to end in Chromium, on a Daphne worker with PostgreSQL and
Redis: an investor asks a question in a live room; the organizer registers
it as a deal from the room and follows it along the flow; a member of the
public objects during the disclosure and the upheld objection sends the deal
back; the deal goes round again and lands; the dashboard's figures move with
it; the organizer drafts the typical case and publishes it.  The deal is a
licence at a negotiated price (#18): its path has no listing."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from tests.factories import pdf_bytes
from tests.livestream.cluster import session_of, workers
from tracker.models import Deal, TargetPeriod

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _context(browser, base, session=None):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def move(page, to, fields=None, *, note="", files=None, skip_browser_checks=False):
    """Open the move's form on the deal's page, fill it in and submit it."""
    form = page.locator(f"details.move:has(input[name=to][value='{to}'])")
    if not form.evaluate("d => d.open"):  # open already after a refusal
        form.locator("summary").click()
    if skip_browser_checks:  # what a client without HTML validation sends
        form.locator("form").evaluate("f => { f.noValidate = true; }")
    for name, value in (fields or {}).items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))
    if note:
        form.locator("textarea[name=note]").fill(note)
    if files:
        form.locator("input[name=documents]").set_input_files(files)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def figure(page, base, key) -> int:
    page.goto(base + "/deals/dashboard/")
    return int(page.inner_text(f"#target-{key} .t-value"))


def test_from_a_live_question_to_a_published_case(browser, live, tmp_path, roles):
    users, orgs = roles
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate()
    TargetPeriod.objects.create(
        name="本年度",
        starts=today.replace(month=1, day=1),
        ends=today.replace(month=12, day=31),
        roadshows=24,
        promoted_national=300,
        promoted_total=500,
        landed=40,
        cross_region=10,
        local_northwest=10,
    )
    pk = live["roadshow"].pk
    achievement = live["slot"].achievement
    sessions = {n: session_of(live[n]) for n in ("enterprise", "organizer")}

    with workers(1, tmp_path / "logs") as (_procs, balancer):
        base = f"http://127.0.0.1:{balancer.port}"

        # An enterprise asks in the live room.
        asker = _context(browser, base, sessions["enterprise"])
        asker.goto(base + f"/live/{pk}/")
        asker.wait_for_selector(".conn-live", timeout=10000)
        asker.fill("#ask-text", "是否接受独占许可？我们在西部有现成产线。")
        asker.click("#ask button[type=submit]")

        # The organizer, moderating, registers the question as a deal.
        org = _context(browser, base, sessions["organizer"])
        landed_before = figure(org, base, "landed")
        org.goto(base + f"/live/{pk}/")
        org.wait_for_selector(".conn-live", timeout=10000)
        question = org.locator("#questions .question", has_text="独占许可")
        question.locator("a.to-deal").click()
        org.wait_for_url("**/deals/new/?question=*")
        assert orgs["enterprise"].name in org.inner_text(
            "select[name=counterparty] option:checked"
        )
        org.select_option("select[name=transfer_mode]", "licence")
        org.select_option("select[name=path]", "licence")
        org.fill("input[name=asking_amount]", "600")
        org.click("main form button[type=submit]")
        org.wait_for_selector("text=已登记为意向项目")
        deal = Deal.objects.get()
        assert deal.question.text.startswith("是否接受独占许可")
        assert deal.roadshow_id == pk and deal.achievement == achievement
        assert deal.path == "licence"
        assert "交易路径：许可" in org.inner_text("#deal-path")

        # Along the licence's path, each stage with its data; a stage without
        # it is refused; no listing is ever asked for.
        move(org, "consultation", note="企业来访，了解西部产线的工艺条件")
        move(org, "negotiation", note="双方约定下周现场考察")
        assert org.locator("input[name=to][value=listing]").count() == 0
        move(
            org,
            "signed",
            {"contract_number": "HT-2026-0001"},
            skip_browser_checks=True,
        )
        assert "进入“签约”前请填写" in org.inner_text("#deal-error")
        move(
            org,
            "signed",
            {
                "contract_number": "HT-2026-0001",
                "contract_date": today.isoformat(),
                "agreed_amount": "560",
                "licence_kind": "exclusive",
                "licence_territory": "西部十二省区市",
                "licence_ends": (today + dt.timedelta(days=3650)).isoformat(),
                "licence_fee": "lump_sum",
            },
            files=[
                {
                    "name": "技术许可合同.pdf",
                    "mimeType": "application/pdf",
                    "buffer": pdf_bytes(),
                }
            ],
        )
        assert org.locator("a", has_text="技术许可合同.pdf").count() >= 1
        move(org, "settlement")
        org.fill("form.payment input[name=amount]", "600")
        org.fill("form.payment input[name=paid_on]", today.isoformat())
        org.click("form.payment button[type=submit]")
        assert "累计结算不能超过成交金额" in org.inner_text("#deal-error")
        org.fill("form.payment input[name=amount]", "280")
        org.fill("form.payment input[name=paid_on]", today.isoformat())
        org.click("form.payment button[type=submit]")
        org.wait_for_selector("text=付款已登记")
        move(org, "registration", {"registration_number": "2026110000001"})
        move(org, "disclosure", {"disclosure_starts": today.isoformat()})
        assert org.inner_text("#deal-stage") == "公示"

        # Someone objects on the public disclosure page.
        public = _context(browser, base)
        public.goto(base + "/disclosures/")
        public.click(f"text={achievement.title}")
        assert "HT-2026-0001" not in public.content()
        public.fill("#o-name", "某材料科技有限公司")
        public.fill("#o-contact", "010-12345678")
        public.fill("#o-reason", "我公司对该成果中的一项专利享有共有权，未获通知。")
        public.wait_for_timeout(3100)  # people take longer than a bot to fill it in
        public.click("#objection button[type=submit]")
        public.wait_for_selector("text=异议已提交")
        public.screenshot(path=str(shots / "deal-disclosure.png"), full_page=True)

        # The certificate waits; the organizer upholds the objection.
        org.goto(base + f"/deals/{deal.pk}/")
        move(org, "certificate", {"certificate_number": "PZ-1"})
        assert "公示期到" in org.inner_text("#deal-error")
        objection = org.locator(".objection", has_text="共有权")
        objection.locator("textarea[name=resolution]").fill("经核实，专利共有权属实")
        objection.locator("input[value=uphold]").check()
        objection.locator("button[type=submit]").click()
        org.wait_for_selector("text=异议成立，项目已退回洽谈阶段")
        assert org.inner_text("#deal-stage") == "洽谈"
        assert "退回" in org.inner_text("table.history")
        public.goto(base + f"/disclosures/{deal.pk}/")
        assert "公示已撤回" in public.inner_text("main")

        # Round again with the co-owner's consent; a disclosure that has run
        # its course; the certificate; landed.
        move(org, "signed", note="已取得共有权人书面同意")  # data kept from before
        move(org, "settlement")
        move(org, "registration")
        move(org, "disclosure", {"disclosure_starts": today.isoformat()})
        # Nobody may date a disclosure in the past: time passes here instead.
        Deal.objects.filter(pk=deal.pk).update(
            disclosure_starts=today - dt.timedelta(days=20),
            disclosure_ends=today - dt.timedelta(days=5),
            disclosure_published_at=timezone.now() - dt.timedelta(days=20),
        )
        move(org, "certificate", {"certificate_number": "PZ-2026-0001"})
        move(
            org,
            "landed",
            {
                "landed_kind": "production_line",
                "landed_evidence": "在成都建成年产 500 吨中试线",
                "province_id": _province("51"),
            },
        )
        assert org.inner_text("#deal-stage") == "落地"
        org.screenshot(path=str(shots / "deal-landed.png"), full_page=True)

        # The dashboard moved with it, and its figure leads to the deal.
        assert figure(org, base, "landed") == landed_before + 1
        org.click("#target-landed")
        assert achievement.title in org.inner_text("main")
        org.goto(base + "/deals/dashboard/")
        org.screenshot(path=str(shots / "deal-dashboard.png"), full_page=True)

        # The typical case: drafted from the deal, edited in the CMS, published.
        org.goto(base + f"/deals/{deal.pk}/")
        org.click("text=生成典型案例草稿")
        org.wait_for_url("**/admin/pages/*/edit/")
        editor = org.url
        org.evaluate("document.querySelector('button[name=action-publish]').click()")
        org.wait_for_url(lambda url: url != editor)
        org.screenshot(path=str(shots / "deal-case-published.png"), full_page=True)
        case = Deal.objects.get().case
        assert case.live
        public.goto(base + case.url)
        assert achievement.title in public.inner_text("h1")
        assert orgs["enterprise"].name in public.inner_text("main")
        assert "年产 500 吨" not in public.inner_text("main")  # evidence stays internal
        for page in (asker, org, public):
            assert page.errors == []
    # Playwright's event loop in this thread gives the ORM calls above a
    # connection of their own: hand it back, so the database can be dropped.
    connections.close_all()


def _province(code: str) -> int:
    from achievements.models import Province

    return Province.objects.get(code=code).pk
