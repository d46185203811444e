from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps import Sitemap as PageSitemap
from wagtail.documents import urls as wagtaildocs_urls

from achievements.sitemaps import AchievementSitemap

from .api import api
from .favicon import favicon
from .health import healthz, readyz
from .i18n import switch_language
from .observability import metrics

SITEMAPS = {"pages": PageSitemap, "achievements": AchievementSitemap}

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("lang/<str:code>/", switch_language, name="switch_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("", include("accounts.urls")),
    path("", include("achievements.urls")),
    path("", include("agrilists.urls")),
    path("", include("events.urls")),
    path("", include("calls.urls")),
    path("", include("livestream.urls")),
    path("", include("matchmaking.urls")),
    path("", include("invitations.urls")),
    path("", include("meetrooms.urls")),
    path("", include("tracker.urls")),
    path("", include("jobs.urls")),
    path("", include("licences.urls")),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# An unreachable database met outside a view answers 503, not 500.
handler500 = "roadshow.unavailable.server_error"
