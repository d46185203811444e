import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from calls.models import Call
from calls.services import application_submit, call_open
from tests.factories import pdf_bytes


def deck(name: str = "路演.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), "application/pdf")


def make_call(*, roadshow, by, reviewers=(), slots=2, anonymised=False) -> Call:
    return call_open(
        roadshow=roadshow,
        title="新材料路演征集",
        deadline=timezone.now() + dt.timedelta(days=7),
        slots=slots,
        criteria=["技术创新性", "市场前景"],
        anonymised=anonymised,
        reviewers=list(reviewers),
        by=by,
    )


def apply(*, call, achievement, by, summary="一段路演简介。", **kwargs):
    return application_submit(
        call=call,
        achievement=achievement,
        summary=summary,
        deck=kwargs.pop("deck", None) or deck(),
        by=by,
        **kwargs,
    )


def pass_deadline(call: Call) -> Call:
    Call.objects.filter(pk=call.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    call.refresh_from_db()
    return call
