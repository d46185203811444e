"""Checks uploaded files by content, never by name, and stores safe copies."""

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
MAX_IMAGE_PIXELS = 40_000_000


class UploadRefused(Exception):
    """The message is for the user."""


@dataclass
class CheckedFile:
    content: ContentFile
    content_type: str
    original_name: str
    size: int


MAX_NAME_LENGTH = 200


def clean_name(name: str) -> str:
    """The uploaded file's own name, refused when it is a path or too long.

    Files are stored under generated names; this name is only shown and used
    in Content-Disposition.
    """
    name = (name or "").strip()
    # Django's upload parser already drops directory parts; anything else that
    # hands us a name (an API, a command) gets the same refusal.
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise UploadRefused(_("文件名不能包含路径（“/”“\\”或“..”）。"))
    if len(name) > MAX_NAME_LENGTH:
        raise UploadRefused(
            _("文件名过长：最多 %(n)d 个字符。") % {"n": MAX_NAME_LENGTH}
        )
    name = "".join(ch for ch in name if ch.isprintable())
    return name or _("附件")


def check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF-"):
        raise UploadRefused(_("文件内容不是 PDF。"))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRefused(_("不接受加密的 PDF，请去除密码后重新上传。"))
        root = reader.trailer["/Root"]
        names = root.get("/Names")
        if names is not None and "/JavaScript" in names.get_object():
            raise UploadRefused(_("PDF 含有脚本（JavaScript），出于安全考虑不予接受。"))
        if "/OpenAction" in root:
            action = root["/OpenAction"]
            action = action.get_object() if hasattr(action, "get_object") else action
            if isinstance(action, dict) and action.get("/S") in (
                "/JavaScript",
                "/Launch",
            ):
                raise UploadRefused(_("PDF 含有自动执行的动作，出于安全考虑不予接受。"))
        for page in reader.pages:
            for annot in page.get("/Annots") or []:
                obj = annot.get_object()
                act = obj.get("/A")
                if act is not None and act.get_object().get("/S") in (
                    "/JavaScript",
                    "/Launch",
                ):
                    raise UploadRefused(
                        _("PDF 含有脚本或启动动作，出于安全考虑不予接受。")
                    )
        if len(reader.pages) == 0:
            raise UploadRefused(_("PDF 没有页面。"))
    except UploadRefused:
        raise
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise UploadRefused(_("PDF 文件已损坏，无法读取。")) from exc


def pdf_without_metadata(data: bytes) -> bytes:
    """A checked PDF rewritten without its document information and XMP
    metadata (author, title, producer often name who made it)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data), strict=False))
    writer.metadata = None
    root = writer._root_object
    if NameObject("/Metadata") in root:
        del root[NameObject("/Metadata")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def reencode_image(data: bytes, *, fit: int | None = None) -> tuple[bytes, str, str]:
    """Open with a format allow-list and the pixel limit, re-encode (no EXIF,
    nothing appended survives); ``fit`` scales it down into a square box."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise UploadRefused(_("图片尺寸过大。"))
            image.load()
            fmt = image.format
            content_type, ext = IMAGE_FORMATS[fmt]
            if image.mode not in ("RGB", "RGBA", "L"):
                image = image.convert("RGBA" if "A" in image.mode else "RGB")
            if fmt == "JPEG" and image.mode == "RGBA":
                image = image.convert("RGB")
            if fit is not None:
                image.thumbnail((fit, fit))
            out = io.BytesIO()
            # Re-encoding drops EXIF and anything appended after the image data.
            image.save(out, format=fmt)
            return out.getvalue(), content_type, ext
    except Image.DecompressionBombError as exc:
        raise UploadRefused(_("图片尺寸过大。")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadRefused(_("文件不是受支持的图片（JPEG、PNG、WebP）。")) from exc


def check_attachment(upload) -> CheckedFile:
    """A PDF or an image, checked and (for images) re-encoded."""
    size = upload.size
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise UploadRefused(
            _("文件过大：最大 %(mb)d MB。")
            % {"mb": settings.ATTACHMENT_MAX_BYTES // 1_000_000}
        )
    data = upload.read()
    name = clean_name(upload.name)
    if data.startswith(b"%PDF-"):
        check_pdf(data)
        content_type, ext = "application/pdf", "pdf"
    else:
        data, content_type, ext = reencode_image(data)
    stored = ContentFile(data, name=f"{uuid.uuid4().hex}.{ext}")
    return CheckedFile(stored, content_type, name, len(data))


def protected_file_response(
    stored, *, content_type: str, filename: str, cache: str = "private, no-store"
):
    """A checked upload served to someone allowed to see it: PDFs downloaded,
    images shown, never sniffed into something else or run as a page."""
    from django.http import FileResponse

    response = FileResponse(
        stored.open("rb"),
        content_type=content_type,
        as_attachment=content_type == "application/pdf",
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = cache
    return response
