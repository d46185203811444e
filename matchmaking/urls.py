from django.urls import path

from .views import demand_responses, recommend, requests, schedule

app_name = "matchmaking"
urlpatterns = [
    path("matchmaking/", schedule.hub, name="hub"),
    path("matchmaking/request/", requests.request_new, name="request_new"),
    path("matchmaking/requests/<int:pk>/", requests.request_detail, name="request"),
    # The actions on a request's page, one address each.
    path(
        "matchmaking/requests/<int:pk>/accept/",
        requests.request_accept,
        name="request_accept",
    ),
    path(
        "matchmaking/requests/<int:pk>/decline/",
        requests.request_decline,
        name="request_decline",
    ),
    path(
        "matchmaking/requests/<int:pk>/cancel/",
        requests.request_cancel,
        name="request_cancel",
    ),
    path(
        "matchmaking/meetings/<int:pk>/outcome/",
        requests.outcome_record,
        name="outcome",
    ),
    path(
        "matchmaking/meetings/<int:pk>/mark/",
        schedule.meeting_mark,
        name="meeting_mark",
    ),
    path(
        "matchmaking/sessions/<int:pk>/availability/",
        schedule.availability,
        name="availability",
    ),
    path(
        "matchmaking/sessions/<int:pk>/slots/<int:slot_pk>/block/",
        schedule.slot_block,
        name="slot_block",
    ),
    path("matchmaking/sessions/<int:pk>/print/", schedule.print_day, name="print"),
    path("matchmaking/sessions/<int:pk>/staff/", schedule.staff, name="staff"),
    *recommend.urlpatterns,
    *demand_responses.urlpatterns,
]
