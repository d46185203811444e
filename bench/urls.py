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


def dashboard_baseline(request):
    """The dashboard's baseline: the same rows it aggregates, read without
    aggregating (an organizer's session, like the dashboard's)."""
    from events.models import Slot
    from events.selectors import roadshows_held
    from tracker.dashboard import period_for
    from tracker.models import Deal, DealMove, TargetPeriod

    target = TargetPeriod.objects.get(pk=request.GET["period"])
    period = period_for(target)
    between = {"gte": period.starts, "lte": period.ends}
    held = roadshows_held(starts=period.starts, ends=period.ends)
    rows = [
        list(held.values_list("start", "kind", "level")),
        list(
            Slot.objects.filter(kind="pitch", roadshow__in=held).values_list(
                "achievement_id", "achievement__field_id", "roadshow__level"
            )
        ),
        list(
            DealMove.objects.filter(
                deal__created_at__date__gte=between["gte"],
                deal__created_at__date__lte=between["lte"],
            ).values_list("deal_id", "to_stage")
        ),
        list(
            Deal.objects.filter(
                created_at__date__gte=between["gte"],
                created_at__date__lte=between["lte"],
            ).values_list("stage")
        ),
        list(
            Deal.objects.filter(
                stage="landed",
                stage_entered_at__date__gte=between["gte"],
                stage_entered_at__date__lte=between["lte"],
            ).values_list(
                "achievement_id",
                "achievement__field_id",
                "province_id",
                "stage_entered_at",
                "origin_province__macro_region",
                "province__macro_region",
            )
        ),
        list(
            Deal.objects.filter(
                contract_date__gte=between["gte"], contract_date__lte=between["lte"]
            ).values_list("agreed_amount", "settled_amount", "roadshow_id")
        ),
    ]
    return JsonResponse({"rows": [len(r) for r in rows]})


urlpatterns = [
    path("bench/dashboard-baseline", dashboard_baseline),
    path("bench/trivial", trivial),
    path("bench/checkin-baseline", checkin_baseline),
    *platform,
]
