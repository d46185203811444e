import json

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from roadshow.urls import urlpatterns as platform

BODY = b"<!DOCTYPE html><html><body><p>trivial</p></body></html>"


def trivial(request):
    """The baseline: a Django view that does nothing, served by the same Daphne."""
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


@csrf_exempt
def checkin_baseline(request):
    """The baseline: only the conditional UPDATE a check-in needs."""
    code = json.loads(request.body)["code"].removeprefix("RS1-")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE events_registration SET checked_in_at = now() "
            "WHERE secret = %s AND checked_in_at IS NULL",
            [code],
        )
        ok = cursor.rowcount == 1
    return JsonResponse({"ok": ok})


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/checkin-baseline", checkin_baseline),
    *platform,
]
