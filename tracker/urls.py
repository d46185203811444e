from django.urls import path

from .views import (
    actions,
    auction,
    dashboard,
    deals,
    documents,
    progress,
    public,
    review,
)

app_name = "tracker"
urlpatterns = [
    path("deals/", deals.deal_list, name="deals"),
    path("deals/new/", deals.deal_new, name="deal_new"),
    path("deals/<int:pk>/", deals.deal_detail, name="deal"),
    # The actions on a deal's page, one address each.
    path("deals/<int:pk>/moves/", actions.deal_move, name="deal_move"),
    path("deals/<int:pk>/notes/", actions.deal_note, name="deal_note"),
    path("deals/<int:pk>/edit/", actions.deal_edit, name="deal_edit"),
    path("deals/<int:pk>/payments/", actions.payment_add, name="payment_add"),
    path("deals/<int:pk>/bids/", actions.bid_place, name="bid_place"),
    # An auction's listing, for bidders from outside the deal too.
    path("deals/auctions/", auction.auction_list, name="auctions"),
    path("deals/<int:pk>/auction/", auction.auction_detail, name="auction"),
    path(
        "deals/<int:pk>/auction/register/",
        auction.auction_register,
        name="auction_register",
    ),
    path("deals/<int:pk>/auction/bids/", auction.auction_bid, name="auction_bid"),
    path(
        "deals/<int:pk>/bids/<int:bid_id>/award/",
        actions.bid_award,
        name="bid_award",
    ),
    path(
        "deals/<int:pk>/objections/<int:objection_id>/decide/",
        actions.objection_decide,
        name="objection_decide",
    ),
    path(
        "deals/<int:pk>/evaluation/clear/",
        actions.evaluation_clear,
        name="evaluation_clear",
    ),
    path("deals/<int:pk>/financing/", actions.financing_add, name="financing_add"),
    path("deals/<int:pk>/case/", actions.case_draft, name="case_draft"),
    path("deals/documents/<int:pk>/", documents.document_download, name="document"),
    path(
        "deals/<int:pk>/disclosure-review/",
        review.disclosure_review,
        name="disclosure_review",
    ),
    path("deals/dashboard/", dashboard.dashboard, name="dashboard"),
    path("deals/dashboard.xlsx", dashboard.dashboard_export, name="dashboard_xlsx"),
    path(
        "deals/dashboard/records/",
        dashboard.dashboard_records,
        name="dashboard_records",
    ),
    # The public summary of the same figures (aggregates only).
    path("progress/", progress.progress, name="progress"),
    path("disclosures/", public.disclosure_list, name="disclosures"),
    path("disclosures/<int:pk>/", public.disclosure, name="disclosure"),
]
