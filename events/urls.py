from django.urls import path

from . import ticket_views, views

app_name = "events"
urlpatterns = [
    path("calendar/roadshows.ics", views.feed_all, name="feed_all"),
    path("calendar/roadshows/<int:pk>.ics", views.feed_one, name="feed_one"),
    path("calendar/field/<slug:code>.ics", views.feed_field, name="feed_field"),
    path("calendar/province/<str:code>.ics", views.feed_province, name="feed_province"),
    path("calendar/zone/<int:pk>.ics", views.feed_zone, name="feed_zone"),
    path("calendar/host/<int:pk>.ics", views.feed_host, name="feed_host"),
    path("calendar/u/<str:token>.ics", views.feed_personal, name="feed_personal"),
    path("workspace/calendar/reset/", views.feed_personal_reset, name="feed_reset"),
    path("r/<int:pk>/", views.roadshow_page, name="detail"),
    path(
        "workspace/slots/<int:pk>/materials/",
        views.slot_materials,
        name="slot_materials",
    ),
    path(
        "workspace/slots/<int:pk>/materials/upload/",
        views.slot_material_upload,
        name="slot_material_upload",
    ),
    path("workspace/slots/<int:pk>/links/", views.slot_links, name="slot_links"),
    path("materials/<int:pk>/", views.material_download, name="material"),
    path(
        "workspace/materials/<int:pk>/review/",
        views.material_review_view,
        name="material_review",
    ),
    path(
        "workspace/slots/<int:pk>/links/review/",
        views.links_review_view,
        name="links_review",
    ),
    path("r/<int:pk>/register/", ticket_views.register, name="register"),
    path("workspace/registrations/<int:pk>/", ticket_views.ticket, name="ticket"),
    path(
        "workspace/registrations/<int:pk>/qr.<str:fmt>",
        ticket_views.ticket_qr,
        name="ticket_qr",
    ),
    path(
        "workspace/registrations/<int:pk>/cancel/",
        ticket_views.ticket_cancel,
        name="ticket_cancel",
    ),
    path("checkin/<int:pk>/", ticket_views.scanner, name="scanner"),
    path("checkin/<int:pk>/scan/", ticket_views.checkin_api, name="checkin_api"),
    path(
        "checkin/<int:pk>/counts/",
        ticket_views.checkin_counts_api,
        name="checkin_counts",
    ),
    path(
        "checkin/<int:pk>/registrations.xlsx",
        ticket_views.registrations_export,
        name="registrations_export",
    ),
    path(
        "materials/<int:pk>/thumbnail/",
        views.material_download,
        {"thumbnail": True},
        name="material_thumbnail",
    ),
]
