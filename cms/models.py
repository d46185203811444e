import datetime as dt

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page
from wagtail.search import index

from accounts.permissions import is_approved_investor, user_can
from achievements.selectors import (
    achievement_is_published_to,
    achievements_published_visible_to,
)
from events import selectors as roadshow_selectors
from events.enums import RoadshowKind, RoadshowStatus
from events.links import watch_path
from events.materials import current_materials_of, public_links_of
from events.services import SHANGHAI
from livestream.selectors import answered_questions
from matchmaking.recommend import fits_for
from tracker.selectors import landed_public, public_disclosures

from .blocks import BaseStreamBlock, LogoBlock
from .cache import mark_query_canonical


class EnglishHeading(models.Model):
    """A section page's heading and lead for readers who chose English: the
    page's title and intro are what editors write in Chinese; these are shown
    instead, when filled, on the English site."""

    title_en = models.CharField(_("英文标题"), max_length=255, blank=True)
    intro_en = RichTextField(_("英文导语"), blank=True)

    english_panels = [FieldPanel("title_en"), FieldPanel("intro_en")]

    class Meta:
        abstract = True

    @staticmethod
    def _english() -> bool:
        return (translation.get_language() or "").startswith("en")

    @property
    def local_title(self) -> str:
        return self.title_en if self._english() and self.title_en else self.title

    @property
    def local_intro(self) -> str:
        return self.intro_en if self._english() and self.intro_en else self.intro


class HomePage(Page, EnglishHeading):  # noqa: DJ008 - Page has __str__
    """The front page: next roadshows, live now, cases, the programme's counters."""

    intro = RichTextField(_("导语"), blank=True)
    achievements_shown = models.PositiveSmallIntegerField(_("展示成果数"), default=8)

    content_panels = (
        Page.content_panels
        + [FieldPanel("intro"), FieldPanel("achievements_shown")]
        + EnglishHeading.english_panels
    )
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        published = achievements_published_visible_to(user=request.user)
        public = roadshow_selectors.roadshows_public().select_related("page")
        now = timezone.now()
        context.update(
            latest_achievements=published.select_related("field", "owner").order_by(
                "-published_at", "-id"
            )[: self.achievements_shown],
            achievement_count=published.count(),
            live_roadshows=public.filter(status=RoadshowStatus.LIVE),
            next_roadshows=public.filter(
                status=RoadshowStatus.PUBLISHED, end__gte=now
            ).order_by("start")[:6],
            progress=roadshow_selectors.programme_progress(),
            cases=CasePage.objects.live().order_by("-first_published_at")[:3],
            landed_count=landed_public().count(),
        )
        return context


def _canonical_filters(request, **valid: bool) -> bool:
    """Whether the query names only these filters, each once and with a
    valid value, spelled plainly: the filtered pages worth storing are then
    bounded by the filters' values."""
    items = list(request.GET.lists())
    if any(len(values) != 1 or not valid.get(name) for name, values in items):
        return False
    return request.META.get("QUERY_STRING", "") == request.GET.urlencode()


def _by_month(roadshows) -> list[tuple[dt.date, list]]:
    """Consecutive roadshows of the same month (Shanghai time) together, in
    the order given."""
    months: list[tuple[dt.date, list]] = []
    for roadshow in roadshows:
        month = roadshow.start.astimezone(SHANGHAI).date().replace(day=1)
        if months and months[-1][0] == month:
            months[-1][1].append(roadshow)
        else:
            months.append((month, [roadshow]))
    return months


class RoadshowIndexPage(Page, EnglishHeading):  # noqa: DJ008 - Page has __str__
    """/roadshows/: every published roadshow, what is coming first, by month,
    filterable."""

    intro = RichTextField(_("导语"), blank=True)

    content_panels = (
        Page.content_panels + [FieldPanel("intro")] + EnglishHeading.english_panels
    )
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.RoadshowPage"]
    max_count = 1

    class Meta:
        verbose_name = _("路演列表")

    def get_context(self, request, *args, **kwargs):
        from achievements.models import IndustryField, Province

        context = super().get_context(request, *args, **kwargs)
        roadshows = roadshow_selectors.roadshows_public().select_related(
            "field", "province", "zone", "lead_host", "page"
        )
        kind = request.GET.get("kind", "")
        if kind in RoadshowKind.values:
            roadshows = roadshows.filter(kind=kind)
        field = request.GET.get("field", "")[:40]
        if field:
            roadshows = roadshows.filter(field__code=field)
        province = request.GET.get("province", "")[:2]
        if province:
            roadshows = roadshows.filter(province__code=province)
        year = request.GET.get("year", "")
        year_ok = year.isdigit() and 2000 <= int(year) <= 2100
        if year_ok:
            roadshows = roadshows.filter(start__year=int(year))
        fields = list(IndustryField.objects.all())
        provinces = list(Province.objects.all())
        mark_query_canonical(
            request,
            _canonical_filters(
                request,
                kind=kind in {"", *RoadshowKind.values},
                field=field in {"", *(f.code for f in fields)},
                province=province in {"", *(p.code for p in provinces)},
                year=year == "" or year_ok,
            ),
        )
        order = roadshow_selectors.roadshows_in_public_order(roadshows)
        context.update(
            upcoming=_by_month(order.upcoming),
            live=order.live,
            past=_by_month(order.past),
            filtered=bool(kind or field or province or year_ok),
            kinds=RoadshowKind.choices,
            fields=fields,
            provinces=provinces,
            current={"kind": kind, "field": field, "province": province, "year": year},
            progress=roadshow_selectors.programme_progress(),
        )
        return context


class RoadshowPage(Page):
    """A roadshow's page: the editorial part here, everything else live from the
    roadshow record in events/ (the one source of truth)."""

    roadshow = models.OneToOneField(
        "events.Roadshow",
        on_delete=models.PROTECT,
        related_name="page",
        verbose_name=_("路演"),
    )
    introduction = RichTextField(_("介绍"), blank=True)
    gallery = StreamField(
        [("image", ImageBlock(label=_("图片"), template="cms/blocks/image.html"))],
        blank=True,
        verbose_name=_("图集"),
    )
    partners = StreamField(
        [("logo", LogoBlock())], blank=True, verbose_name=_("合作单位标志")
    )

    content_panels = Page.content_panels + [
        FieldPanel("roadshow", read_only=True),
        FieldPanel("introduction"),
        FieldPanel("gallery"),
        FieldPanel("partners"),
    ]
    search_fields = Page.search_fields + [index.SearchField("introduction")]
    parent_page_types = ["cms.RoadshowIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("路演页面")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        roadshow = self.roadshow
        shown, published = roadshow_selectors.programme_shown_to(
            roadshow=roadshow, user=request.user
        )
        materials = current_materials_of(slots=[item.slot for item in shown])
        for item in shown:
            current = materials.get(item.slot.pk, {})
            item.materials = {
                kind: material
                for kind, material in current.items()
                if user_can(request.user, "material.view", material)
            }
            item.links, item.materials_pending = public_links_of(
                slot=item.slot, current=current
            )
        # "适合您": personal, so only for a signed-in user, whose pages the
        # anonymous page cache never stores (cms/cache.py: session cookie).
        fits = (
            fits_for(user=request.user, achievement_ids=published)
            if request.user.is_authenticated
            else set()
        )
        for item in shown:
            item.fits_you = item.slot.achievement_id in fits
        answered = [
            q
            for q in answered_questions(roadshow=roadshow)
            if q.achievement_id is None or q.achievement_id in published
        ]
        context.update(
            roadshow=roadshow,
            # Seats left change with every registration, which does not make
            # cached pages stale: an anonymous reader may see a figure up to
            # the cache's lifetime old (cms/cache.py), while whoever signs in
            # to register sees it as it is (their pages are never cached).
            registration=roadshow_selectors.registration_facts(
                roadshow=roadshow, user=request.user
            ),
            watch_url=watch_path(roadshow=roadshow),
            timeline=shown,
            answered=answered,
            co_hosts=roadshow.co_hosts.all(),
            invited=roadshow.invited.all(),
            # The demand side asks for meetings from the programme (signed
            # in, so never in the anonymous page cache either).
            can_request_meetings=is_approved_investor(request.user),
        )
        return context


class CaseIndexPage(Page, EnglishHeading):  # noqa: DJ008 - Page has __str__
    """/cases/: typical cases 典型案例 (R11)."""

    intro = RichTextField(_("导语"), blank=True)
    content_panels = (
        Page.content_panels + [FieldPanel("intro")] + EnglishHeading.english_panels
    )
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CasePage"]
    max_count = 1

    class Meta:
        verbose_name = _("典型案例列表")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        cases = list(
            CasePage.objects.live().child_of(self).order_by("-first_published_at")
        )
        context.update(cases=cases, **landed_without_case(cases))
        return context


# How many landed projects the case index lists (the disclosures list all).
LANDED_SHOWN = 20


def landed_without_case(cases) -> dict:
    """What exists before (and beside) the cases: the landed deals the public
    may know of, and those of them no published case tells yet."""
    told = {case.deal_id for case in cases}
    landed = list(landed_public())
    return {
        "landed_count": len(landed),
        "landed_untold": public_disclosures(
            [deal for deal in landed if deal.pk not in told][:LANDED_SHOWN]
        ),
    }


class CasePage(Page):
    """A typical case: how an achievement was transferred and landed."""

    summary = models.TextField(_("摘要"), blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("正文"))
    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("相关成果"),
    )
    # The landed deal the case tells (drafted from it in the tracker).
    deal = models.OneToOneField(
        "tracker.Deal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case",
        verbose_name=_("成果转化项目"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("achievement"),
        FieldPanel("deal", read_only=True),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.CaseIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("典型案例")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        achievement = self.achievement
        # A case may only link an achievement the reader may see as published.
        context["linked_achievement"] = (
            achievement
            if achievement is not None
            and achievement_is_published_to(user=request.user, achievement=achievement)
            else None
        )
        return context
