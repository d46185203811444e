from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from achievements.selectors import (
    CatalogueFilters,
    achievements_visible_to,
    catalogue_facets,
)


class HomePage(Page):
    """The site's front page: the programme in brief and the latest achievements."""

    intro = RichTextField(_("导语"), blank=True)
    achievements_shown = models.PositiveSmallIntegerField(_("展示成果数"), default=8)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("achievements_shown"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        visible = achievements_visible_to(user=request.user)
        context["latest_achievements"] = (
            visible.exclude(publication="none")
            .select_related("field", "owner")
            .order_by("-published_at", "-id")[: self.achievements_shown]
        )
        context["achievement_count"] = visible.exclude(publication="none").count()
        context["fields"] = catalogue_facets(
            user=request.user, filters=CatalogueFilters()
        )["field"]
        return context
