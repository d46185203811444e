"""Downloading an export the way its page offers it: written in the request,
or (above EXPORT_INLINE_ROWS) by a job whose file the starter downloads from
the job's page.  The ``downloads`` fixture (tests/conftest.py) runs a test
both ways, so that the two give the same workbook."""

import io
import re
from pathlib import Path

from django.test import TestCase
from openpyxl import Workbook, load_workbook

from jobs.enums import JobState
from jobs.models import Job


def private_storage_in(settings, folder: Path) -> Path:
    """The private storage in a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder},
        },
    }
    return folder


class Downloads:
    def __init__(self, *, through_job: bool) -> None:
        self.through_job = through_job

    def response(self, client, url: str, data=None):
        """The file's response (a job's page is followed to its file)."""
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.get(url, data or {})
        if not self.through_job:
            assert response.status_code == 200, response.status_code
            return response
        assert response.status_code == 302, response.status_code
        found = re.fullmatch(r"/jobs/(\d+)/page/", response["Location"])
        assert found, response["Location"]
        job = Job.objects.get(pk=found[1])
        assert job.state == JobState.DONE, (job.state, job.message)
        assert (
            f'href="/jobs/{job.pk}/file/"'
            in client.get(response["Location"]).content.decode()
        )
        download = client.get(f"/jobs/{job.pk}/file/")
        assert download.status_code == 200
        return download

    def workbook(self, client, url: str, data=None) -> Workbook:
        response = self.response(client, url, data)
        return load_workbook(io.BytesIO(b"".join(response.streaming_content)))
