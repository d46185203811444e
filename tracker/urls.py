from django.urls import path

from . import dashboard_views, public_views, views

app_name = "tracker"
urlpatterns = [
    path("deals/", views.deal_list, name="deals"),
    path("deals/new/", views.deal_new, name="deal_new"),
    path("deals/<int:pk>/", views.deal_detail, name="deal"),
    path("deals/documents/<int:pk>/", views.document_download, name="document"),
    path(
        "deals/<int:pk>/disclosure-review/",
        views.disclosure_review,
        name="disclosure_review",
    ),
    path("deals/dashboard/", dashboard_views.dashboard, name="dashboard"),
    path(
        "deals/dashboard.xlsx", dashboard_views.dashboard_export, name="dashboard_xlsx"
    ),
    path(
        "deals/dashboard/records/",
        dashboard_views.dashboard_records,
        name="dashboard_records",
    ),
    path("disclosures/", public_views.disclosure_list, name="disclosures"),
    path("disclosures/<int:pk>/", public_views.disclosure, name="disclosure"),
]
