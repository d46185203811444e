from django.contrib.sitemaps import Sitemap

from .selectors import achievements_public


class AchievementSitemap(Sitemap):
    """Public achievements only: restricted ones are never announced."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return achievements_public().order_by("pk")

    def lastmod(self, item):
        return item.updated_at
