"""The organizers' admin pages for demand lists: bulk import and its template."""

import io

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.permissions import user_can

from .demand_import import import_demands, write_demand_template
from .importing import ImportRefused


def demand_import_view(request):
    if not user_can(request.user, "demand.import"):
        raise PermissionDenied
    report = None
    refused = None
    publish = True
    if request.method == "POST":
        upload = request.FILES.get("file")
        publish = not request.POST.get("draft")
        if upload is None:
            refused = _("请选择要导入的 CSV 或 XLSX 文件。")
        else:
            try:
                report = import_demands(
                    file=upload,
                    name=upload.name,
                    by=request.user,
                    dry_run=bool(request.POST.get("dry_run")),
                    publish=publish,
                )
            except ImportRefused as exc:
                refused = str(exc)
    return render(
        request,
        "achievements/admin/demand_import.html",
        {
            "report": report,
            "refused": refused,
            "publish": publish,
            "header_title": _("导入需求清单"),
        },
        status=400 if refused or (report and not report.ok) else 200,
    )


def demand_template_view(request):
    if not user_can(request.user, "demand.import"):
        raise PermissionDenied
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    stream = io.BytesIO()
    write_demand_template(stream, fmt=fmt)
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, filename=f"demands-template.{fmt}")
