"""Recommendations: the pages and actions (added by the recommender)."""

urlpatterns: list = []
