from django.urls import path

from . import views

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
    path("materials/<int:pk>/", views.material_download, name="material"),
    path(
        "materials/<int:pk>/thumbnail/",
        views.material_download,
        {"thumbnail": True},
        name="material_thumbnail",
    ),
]
