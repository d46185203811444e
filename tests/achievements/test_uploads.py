"""Attachments are checked by content; what is stored is safe to serve."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from achievements.models import Attachment
from tests.factories import make_achievement


def pdf_bytes(*, encrypt=False, javascript=False):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        script = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('x');"),
            }
        )
        names = DictionaryObject(
            {
                NameObject("/JavaScript"): DictionaryObject(
                    {
                        NameObject("/Names"): ArrayObject(
                            [TextStringObject("x"), script]
                        ),
                    }
                ),
            }
        )
        writer._root_object[NameObject("/Names")] = names
    if encrypt:
        writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def launch_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("calc.exe"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = action
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(size=(10, 10)):
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def setup(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="public")
    client.force_login(users["team"])
    return a, client


def upload(client, a, name, data):
    return client.post(
        f"/achievements/{a.pk}/files/",
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_pdf_is_stored_under_a_generated_name(setup):
    a, client = setup
    response = upload(client, a, "路演材料.pdf", pdf_bytes())
    assert "附件已上传" in response.content.decode()
    f = Attachment.objects.get()
    assert f.original_name == "路演材料.pdf"
    assert "路演" not in f.file.name and f.file.name.endswith(".pdf")
    download = client.get(f"/achievements/{a.pk}/files/{f.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("secret.pdf", pdf_bytes(encrypt=True), "加密"),
        ("script.pdf", pdf_bytes(javascript=True), "脚本"),
        ("launch.pdf", launch_pdf(), "动作"),
        ("broken.pdf", b"%PDF-1.7\n garbage", "损坏"),
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200, "不是受支持的图片"),
        (
            "page.png",
            png_bytes()[:40] + b"<html><script>alert(1)</script>",
            "不是受支持的图片",
        ),
    ],
)
def test_bad_files_are_refused(setup, name, data, fragment):
    a, client = setup
    response = upload(client, a, name, data)
    assert fragment in response.content.decode()
    assert Attachment.objects.count() == 0


def test_decompression_bomb_is_refused(setup):
    a, client = setup
    response = upload(client, a, "bomb.png", png_bytes(size=(20000, 20000)))
    assert "图片尺寸过大" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_image_with_trailing_html_is_reencoded(setup):
    a, client = setup
    upload(client, a, "cover.png", png_bytes() + b"<html><script>alert(1)</script>")
    f = Attachment.objects.get()
    stored = f.file.read()
    assert b"<script>" not in stored
    assert f.content_type == "image/png"


def test_oversized_upload_is_refused(setup, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    a, client = setup
    response = upload(client, a, "big.pdf", pdf_bytes())
    assert "文件过大" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_other_team_cannot_upload(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="public")
    client.force_login(users["other_team"])
    response = client.post(
        f"/achievements/{a.pk}/files/",
        {"file": SimpleUploadedFile("a.pdf", pdf_bytes())},
    )
    assert response.status_code == 403
    assert Attachment.objects.count() == 0
