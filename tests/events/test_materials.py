"""Pitch materials (R4): checked by content, versioned, served only to those allowed."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from events.enums import SlotKind
from events.materials import materials_remind
from events.models import PitchMaterial
from events.services import roadshow_transition, slot_add
from tests.achievements.test_uploads import pdf_bytes, png_bytes
from tests.factories import make_achievement
from tests.factories.events import make_roadshow


@pytest.fixture
def pitch(roles):
    users, orgs = roles
    users["team"].email = "team@example.edu.cn"
    users["team"].save()
    roadshow = make_roadshow(lead_host=orgs["torch"])
    achievement = make_achievement(owner=orgs["owner"], title="路演成果甲")
    slot = slot_add(
        roadshow=roadshow,
        kind=SlotKind.PITCH,
        duration_minutes=20,
        achievement=achievement,
    )
    return users, orgs, roadshow, slot


def upload(client, slot, kind, name, data):
    return client.post(
        f"/workspace/slots/{slot.pk}/materials/upload/",
        {"kind": kind, "file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_team_uploads_and_replacing_keeps_history(client, pitch):
    users, _orgs, _roadshow, slot = pitch
    client.force_login(users["team"])
    assert (
        "已上传"
        in upload(client, slot, "deck", "第一版.pdf", pdf_bytes()).content.decode()
    )
    upload(client, slot, "deck", "第二版.pdf", pdf_bytes())
    upload(client, slot, "cover", "封面.png", png_bytes(size=(1200, 800)))
    decks = list(PitchMaterial.objects.filter(slot=slot, kind="deck").order_by("id"))
    assert [(d.original_name, d.superseded_at is None) for d in decks] == [
        ("第一版.pdf", False),
        ("第二版.pdf", True),
    ]
    cover = PitchMaterial.objects.get(kind="cover")
    from PIL import Image

    with Image.open(cover.thumbnail.open("rb")) as thumb:
        assert max(thumb.size) == 480
    page = client.get(f"/workspace/slots/{slot.pk}/materials/").content.decode()
    assert "第一版.pdf" in page and "已替换" in page


@pytest.mark.parametrize(
    ("kind", "name", "data", "fragment"),
    [
        ("deck", "setup.pdf", b"MZ\x90\x00" + b"\x00" * 100, "不是 PDF"),
        ("deck", "secret.pdf", pdf_bytes(encrypt=True), "加密"),
        ("deck", "script.pdf", pdf_bytes(javascript=True), "脚本"),
        ("cover", "page.png", png_bytes()[:40] + b"<html></html>", "不是受支持的图片"),
        ("cover", "huge.png", png_bytes(size=(20000, 20000)), "图片尺寸过大"),
        ("deck", "长" * 300 + ".pdf", pdf_bytes(), "文件名过长"),
    ],
)
def test_bad_files_are_refused_and_nothing_stored(
    client, pitch, kind, name, data, fragment
):
    users, _orgs, _roadshow, slot = pitch
    client.force_login(users["team"])
    assert fragment in upload(client, slot, kind, name, data).content.decode()
    assert PitchMaterial.objects.count() == 0


def test_oversized_deck_is_refused(client, pitch, monkeypatch):
    users, _orgs, _roadshow, slot = pitch
    monkeypatch.setattr("events.materials.DECK_MAX_BYTES", 100)
    client.force_login(users["team"])
    assert (
        "文件过大"
        in upload(client, slot, "deck", "a.pdf", pdf_bytes()).content.decode()
    )
    assert PitchMaterial.objects.count() == 0


def test_deadline_binds_teams_not_organizers(client, pitch):
    users, _orgs, roadshow, slot = pitch
    roadshow.materials_deadline = roadshow.start - dt.timedelta(days=400)
    roadshow.save()
    client.force_login(users["team"])
    assert (
        "截止提交"
        in upload(client, slot, "deck", "a.pdf", pdf_bytes()).content.decode()
    )
    client.force_login(users["organizer"])
    upload(client, slot, "deck", "a.pdf", pdf_bytes())
    assert PitchMaterial.objects.count() == 1


def test_other_team_cannot_touch_materials(client, pitch):
    users, _orgs, _roadshow, slot = pitch
    client.force_login(users["other_team"])
    assert client.get(f"/workspace/slots/{slot.pk}/materials/").status_code == 403


def test_public_sees_materials_of_published_roadshows_unless_private(client, pitch):
    users, _orgs, roadshow, slot = pitch
    client.force_login(users["team"])
    upload(client, slot, "deck", "路演.pdf", pdf_bytes())
    deck = PitchMaterial.objects.get()
    client.logout()
    assert client.get(f"/materials/{deck.pk}/").status_code == 404  # draft roadshow
    roadshow_transition(roadshow=roadshow, action="publish", by=users["organizer"])
    assert client.get(f"/materials/{deck.pk}/").status_code == 404  # not reviewed
    client.force_login(users["reviewer"])
    client.post(f"/workspace/materials/{deck.pk}/review/", {"decision": "clear"})
    client.logout()
    response = client.get(f"/materials/{deck.pk}/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    client.force_login(users["team"])
    client.post(
        f"/workspace/slots/{slot.pk}/links/",
        {
            "video_links": "https://v.example.cn/1",
            "materials_private": "1",
        },
    )
    client.logout()
    assert client.get(f"/materials/{deck.pk}/").status_code == 404


def test_video_links_are_validated(client, pitch):
    users, _orgs, _roadshow, slot = pitch
    client.force_login(users["team"])
    response = client.post(
        f"/workspace/slots/{slot.pk}/links/",
        {"video_links": "javascript:alert(1)"},
        follow=True,
    )
    assert "http(s)" in response.content.decode()
    slot.refresh_from_db()
    assert slot.video_links == []


def test_organizer_sees_missing_materials_and_reminds(
    client, pitch, django_capture_on_commit_callbacks
):
    users, _orgs, roadshow, slot = pitch
    client.force_login(users["organizer"])
    page = client.get(f"/admin/roadshows/{roadshow.pk}/manage/").content.decode()
    assert "路演成果甲" in page and "路演材料（PDF）、封面图片" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/roadshows/{roadshow.pk}/slots/{slot.pk}/remind/")
    assert [m.to for m in mail.outbox] == [["team@example.edu.cn"]]
    assert "路演成果甲" in mail.outbox[0].body


def test_path_in_a_file_name_never_reaches_storage(client, pitch):
    users, _orgs, _roadshow, slot = pitch
    client.force_login(users["team"])
    upload(client, slot, "deck", "../../路演.pdf", pdf_bytes())
    deck = PitchMaterial.objects.get()
    assert deck.original_name == "路演.pdf"
    assert deck.file.name.startswith("materials/") and ".." not in deck.file.name


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\boot.ini", ".."])
def test_path_like_names_are_refused_by_the_service(pitch, name):
    import io

    from events.materials import UploadRefused, material_upload

    class RawUpload(io.BytesIO):
        """A file handed over by something other than Django's upload parser."""

        def __init__(self, name, data):
            super().__init__(data)
            self.name, self.size = name, len(data)

    users, _orgs, _roadshow, slot = pitch
    with pytest.raises(UploadRefused, match="不能包含路径"):
        material_upload(
            slot=slot,
            kind="deck",
            upload=RawUpload(name, pdf_bytes()),
            by=users["team"],
        )
    assert PitchMaterial.objects.count() == 0


def _publish_with_materials(client, pitch, on_commit):
    users, _orgs, roadshow, slot = pitch
    with on_commit(execute=True):
        roadshow_transition(roadshow=roadshow, action="publish", by=users["organizer"])
    client.force_login(users["team"])
    upload(client, slot, "deck", "机密参数版.pdf", pdf_bytes())
    upload(client, slot, "cover", "封面.png", png_bytes(size=(800, 600)))
    client.post(
        f"/workspace/slots/{slot.pk}/links/",
        {"video_links": "https://v.example.cn/pitch-1"},
    )
    client.logout()
    return roadshow, slot


def _roadshow_html(client, roadshow):
    from cms.models import RoadshowPage

    return client.get(RoadshowPage.objects.get(roadshow=roadshow).url).content.decode()


def test_materials_are_public_only_once_a_reviewer_clears_them(
    client, pitch, django_capture_on_commit_callbacks
):
    users, _orgs, _roadshow, _slot = pitch
    roadshow, slot = _publish_with_materials(
        client, pitch, django_capture_on_commit_callbacks
    )
    deck = PitchMaterial.objects.get(kind="deck")
    cover = PitchMaterial.objects.get(kind="cover")
    # Nothing is public yet: the programme says the materials are in review.
    html = _roadshow_html(client, roadshow)
    assert "材料审核中" in html
    assert f"/materials/{deck.pk}/" not in html
    assert "pitch-1" not in html
    for url in (
        f"/materials/{deck.pk}/",
        f"/materials/{cover.pk}/",
        f"/materials/{cover.pk}/thumbnail/",
    ):
        assert client.get(url).status_code == 404
    client.force_login(users["investor"])
    assert client.get(f"/materials/{deck.pk}/").status_code == 404
    # The reviewer finds them in the queue and decides.
    client.force_login(users["reviewer"])
    queue = client.get("/workspace/").content.decode()
    assert "待审路演材料" in queue and "机密参数版.pdf" in queue and "pitch-1" in queue
    assert client.get(f"/materials/{deck.pk}/").status_code == 200
    client.post(f"/workspace/materials/{deck.pk}/review/", {"decision": "clear"})
    client.post(
        f"/workspace/materials/{cover.pk}/review/",
        {"decision": "refuse", "comment": "图片含未公开参数"},
    )
    client.post(
        f"/workspace/slots/{slot.pk}/links/review/",
        {"decision": "clear", "seen": "https://v.example.cn/pitch-1"},
    )
    client.logout()
    html = _roadshow_html(client, roadshow)
    assert f"/materials/{deck.pk}/" in html and "pitch-1" in html
    assert f"/materials/{cover.pk}/thumbnail/" not in html
    assert client.get(f"/materials/{deck.pk}/").status_code == 200
    assert client.get(f"/materials/{cover.pk}/thumbnail/").status_code == 404
    # The team reads why the cover was refused.
    client.force_login(users["team"])
    page = client.get(f"/workspace/slots/{slot.pk}/materials/").content.decode()
    assert "未通过审核" in page and "图片含未公开参数" in page


def test_links_changed_after_the_reviewer_looked_are_not_cleared(
    client, pitch, django_capture_on_commit_callbacks
):
    users, _orgs, _roadshow, _slot = pitch
    roadshow, slot = _publish_with_materials(
        client, pitch, django_capture_on_commit_callbacks
    )
    client.force_login(users["team"])
    client.post(
        f"/workspace/slots/{slot.pk}/links/",
        {"video_links": "https://v.example.cn/secret-demo"},
    )
    client.force_login(users["reviewer"])
    response = client.post(
        f"/workspace/slots/{slot.pk}/links/review/",
        {"decision": "clear", "seen": "https://v.example.cn/pitch-1"},
        follow=True,
    )
    assert "视频链接在您查看之后已被修改" in response.content.decode()
    slot.refresh_from_db()
    assert slot.links_review == "pending"
    client.logout()
    assert "secret-demo" not in _roadshow_html(client, roadshow)


def test_superseded_versions_are_for_the_team_and_organizers(client, pitch):
    users, _orgs, roadshow, slot = pitch
    roadshow_transition(roadshow=roadshow, action="publish", by=users["organizer"])
    client.force_login(users["team"])
    upload(client, slot, "deck", "旧版.pdf", pdf_bytes())
    old = PitchMaterial.objects.get()
    client.force_login(users["reviewer"])
    client.post(f"/workspace/materials/{old.pk}/review/", {"decision": "clear"})
    client.force_login(users["team"])
    upload(client, slot, "deck", "新版.pdf", pdf_bytes())
    old.refresh_from_db()
    assert old.superseded_at is not None
    for who in (None, "investor", "other_team", "pending_investor"):
        client.logout()
        if who:
            client.force_login(users[who])
        assert client.get(f"/materials/{old.pk}/").status_code == 404, who
    for who in ("team", "organizer", "reviewer"):
        client.force_login(users[who])
        assert client.get(f"/materials/{old.pk}/").status_code == 200, who


def test_review_of_materials_is_for_reviewers_of_other_organizations(client, pitch):
    users, orgs, roadshow, slot = pitch
    client.force_login(users["team"])
    upload(client, slot, "deck", "路演.pdf", pdf_bytes())
    deck = PitchMaterial.objects.get()
    for who in ("team", "organizer", "investor"):
        client.force_login(users[who])
        response = client.post(
            f"/workspace/materials/{deck.pk}/review/", {"decision": "clear"}
        )
        assert response.status_code == 403, who
    # A reviewer of the presenting institution itself may not clear it.
    from accounts.enums import Role
    from accounts.models import Membership

    Membership.objects.create(
        user=users["reviewer"], organization=orgs["owner"], role=Role.TEAM
    )
    from accounts.permissions import memberships_changed

    memberships_changed()
    client.force_login(users["reviewer"])
    response = client.post(
        f"/workspace/materials/{deck.pk}/review/", {"decision": "clear"}
    )
    assert response.status_code == 403
    deck.refresh_from_db()
    assert deck.review == "pending"
    # Refusing needs a reason.
    Membership.objects.filter(
        organization=orgs["owner"], user=users["reviewer"]
    ).delete()
    memberships_changed()
    response = client.post(
        f"/workspace/materials/{deck.pk}/review/",
        {"decision": "refuse", "comment": ""},
        follow=True,
    )
    assert "不予通过时必须填写原因" in response.content.decode()
    deck.refresh_from_db()
    assert deck.review == "pending"


def test_the_team_page_posts_each_action_to_its_own_url(client, pitch):
    users, _orgs, _roadshow, slot = pitch
    client.force_login(users["team"])
    url = f"/workspace/slots/{slot.pk}/materials/"
    page = client.get(url).content.decode()
    assert 'name="op"' not in page
    assert page.count(f'action="{url}upload/"') == 2  # deck and cover
    assert f'action="/workspace/slots/{slot.pk}/links/"' in page
    # The page itself takes no posts: nothing is stored.
    response = client.post(
        url, {"kind": "deck", "file": SimpleUploadedFile("a.pdf", pdf_bytes())}
    )
    assert response.status_code == 405
    assert not PitchMaterial.objects.exists()
    page = client.post(url + "upload/", {"kind": "deck"}, follow=True)
    assert "请选择要上传的文件。" in page.content.decode()
    page = client.post(
        url + "upload/",
        {"kind": "slides", "file": SimpleUploadedFile("a.pdf", pdf_bytes())},
        follow=True,
    )
    assert "请选择要上传的文件。" in page.content.decode()
    assert not PitchMaterial.objects.exists()


def _pitch_in(roadshow, orgs, title):
    return slot_add(
        roadshow=roadshow,
        kind=SlotKind.PITCH,
        duration_minutes=20,
        achievement=make_achievement(owner=orgs["owner"], title=title),
    )


def test_workspace_flags_missing_materials_only_for_roadshows_to_come(client, roles):
    users, orgs = roles
    coming = make_roadshow(lead_host=orgs["torch"], title="将来的路演")
    held = make_roadshow(
        lead_host=orgs["torch"],
        title="三个月前的路演",
        day=dt.date(2026, 8, 20),
        status="closed",
    )
    _pitch_in(coming, orgs, "将来的成果")
    _pitch_in(held, orgs, "过去的成果")
    client.force_login(users["team"])
    html = client.get("/workspace/").content.decode()
    rows = dict(re.findall(r"<tr>\s*<td>([^<]+)</td>(.*?)</tr>", html, flags=re.S))
    assert "缺 PDF" in rows["将来的路演"] and "缺封面" in rows["将来的路演"]
    assert "缺 PDF" not in rows["三个月前的路演"]
    assert "路演已开始或已结束" in rows["三个月前的路演"]


def test_no_reminder_for_a_roadshow_already_held(
    client, roles, django_capture_on_commit_callbacks
):
    users, orgs = roles
    users["team"].email = "team@example.edu.cn"
    users["team"].save()
    held = make_roadshow(
        lead_host=orgs["torch"], day=dt.date(2026, 8, 20), status="closed"
    )
    slot = _pitch_in(held, orgs, "过去的成果")
    client.force_login(users["organizer"])
    page = client.get(f"/admin/roadshows/{held.pk}/manage/").content.decode()
    assert "过去的成果" in page and "邮件提醒" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/roadshows/{held.pk}/slots/{slot.pk}/remind/", follow=True
        )
    assert mail.outbox == []
    assert "不再提醒提交路演材料" in response.content.decode()
    assert materials_remind(slot=slot, by=users["organizer"]) == 0
