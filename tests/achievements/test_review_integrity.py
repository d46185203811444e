"""Review decides on what the reviewer saw, and nothing new is shown before it
(#12: files of a published achievement, decisions on changed content, conflict
of interest)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from achievements.enums import Publication, ReviewStatus
from achievements.models import Attachment
from tests.achievements.test_uploads import pdf_bytes
from tests.factories import make_achievement


def _upload(client, achievement, name="方案.pdf"):
    return client.post(
        f"/achievements/{achievement.pk}/files/",
        {"file": SimpleUploadedFile(name, pdf_bytes(), "application/pdf")},
    )


def _decide(client, achievement, action, revision, comment="意见"):
    return client.post(
        f"/workspace/achievements/{achievement.pk}/review/",
        {"action": action, "comment": comment, "revision": revision},
    )


def test_file_added_to_published_achievement_waits_for_review(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="public", title="公开成果附件")
    client.force_login(users["team"])
    assert _upload(client, a).status_code == 302
    attachment = Attachment.objects.get(achievement=a)
    a.refresh_from_db()
    # Like an edit of its text: back to review, the published version stays.
    assert (a.status, a.publication, attachment.cleared_at) == (
        ReviewStatus.SUBMITTED,
        Publication.PUBLIC,
        None,
    )
    url = f"/achievements/{a.pk}/files/{attachment.pk}/"
    client.logout()
    assert client.get(url).status_code == 404
    page = client.get(f"/achievements/{a.pk}/").content.decode()
    assert "公开成果附件" in page and "方案.pdf" not in page
    client.force_login(users["investor"])
    assert client.get(url).status_code == 404
    # The team and the reviewer see it, marked as waiting.
    client.force_login(users["team"])
    assert client.get(url).status_code == 200
    assert "待保密审查" in client.get(f"/achievements/{a.pk}/").content.decode()
    client.force_login(users["reviewer"])
    assert client.get(url).status_code == 200
    assert _decide(client, a, "clear", a.revision).status_code == 302
    attachment.refresh_from_db()
    assert attachment.cleared_at is not None
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_file_of_a_draft_is_cleared_with_the_achievement(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="draft")
    client.force_login(users["team"])
    _upload(client, a)
    client.post(f"/workspace/achievements/{a.pk}/submit/")
    a.refresh_from_db()
    client.force_login(users["reviewer"])
    _decide(client, a, "restrict", a.revision)
    attachment = Attachment.objects.get(achievement=a)
    assert attachment.cleared_at is not None
    client.force_login(users["investor"])
    url = f"/achievements/{a.pk}/files/{attachment.pk}/"
    assert client.get(url).status_code == 200
    client.force_login(users["pending_investor"])
    assert client.get(url).status_code == 404


def test_decision_on_content_changed_since_it_was_seen_is_refused(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="submitted", title="审查前标题")
    seen = a.revision
    # The reviewer opens the page; meanwhile the team rewrites the title.
    client.force_login(users["reviewer"])
    page = client.get(f"/achievements/{a.pk}/").content.decode()
    assert f'name="revision" value="{seen}"' in page
    client.force_login(users["team"])
    data = {
        "title": "偷换后的标题",
        "summary": "简介",
        "field": a.field_id,
        "trl": "5",
        "transfer_modes": ["assignment"],
        "target_provinces": [],
    }
    response = client.post(f"/workspace/achievements/{a.pk}/edit/", data)
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.title, a.revision) == ("偷换后的标题", seen + 1)
    client.force_login(users["reviewer"])
    response = _decide(client, a, "clear", seen)
    a.refresh_from_db()
    assert (a.status, a.publication) == (ReviewStatus.SUBMITTED, Publication.NONE)
    followed = client.get(response["Location"]).content.decode()
    assert "请重新查看最新内容后再作结论" in followed
    # On the revision now shown, the decision is taken.
    _decide(client, a, "clear", a.revision)
    a.refresh_from_db()
    assert (a.status, a.publication) == (ReviewStatus.CLEARED, Publication.PUBLIC)


def test_file_added_after_reviewer_looked_blocks_the_decision(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="submitted")
    seen = a.revision
    client.force_login(users["team"])
    _upload(client, a)
    client.force_login(users["reviewer"])
    _decide(client, a, "clear", seen)
    a.refresh_from_db()
    assert a.publication == Publication.NONE
    assert Attachment.objects.get(achievement=a).cleared_at is None


def test_decision_without_a_revision_is_refused(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="submitted")
    client.force_login(users["reviewer"])
    client.post(
        f"/workspace/achievements/{a.pk}/review/", {"action": "clear", "comment": ""}
    )
    a.refresh_from_db()
    assert (a.status, a.publication) == (ReviewStatus.SUBMITTED, Publication.NONE)


def test_editing_is_locked_while_under_review(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="submitted", title="锁定中的成果")
    client.force_login(users["reviewer"])
    _decide(client, a, "start_review", a.revision)
    client.force_login(users["team"])
    assert _upload(client, a).status_code == 302
    assert not Attachment.objects.filter(achievement=a).exists()
    a.refresh_from_db()
    assert a.status == ReviewStatus.UNDER_REVIEW


def test_reviewer_cannot_review_own_organizations_achievement(roles, client):
    users, orgs = roles
    # The Torch Centre's own achievement: its reviewer may not clear it.
    a = make_achievement(owner=orgs["torch"], state="submitted", title="本单位成果")
    client.force_login(users["reviewer"])
    assert "本单位成果" not in client.get("/workspace/").content.decode()
    response = _decide(client, a, "clear", a.revision)
    assert response.status_code == 403
    a.refresh_from_db()
    assert (a.status, a.publication) == (ReviewStatus.SUBMITTED, Publication.NONE)
