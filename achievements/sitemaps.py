from django.contrib.sitemaps import Sitemap

from .enums import Publication
from .models import Achievement


class AchievementSitemap(Sitemap):
    """Public achievements only: restricted ones are never announced."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Achievement.objects.filter(publication=Publication.PUBLIC).order_by("pk")

    def lastmod(self, item):
        return item.updated_at
