"""Keep each roadshow's Wagtail page in step with its record in events/."""

import logging

from django.db import transaction

from events.models import Roadshow
from events.services import PUBLIC_Q, SHANGHAI

from .models import RoadshowIndexPage, RoadshowPage

log = logging.getLogger(__name__)


def _slug(roadshow: Roadshow) -> str:
    month = roadshow.start.astimezone(SHANGHAI).strftime("%Y-%m")
    return f"{month}-{roadshow.kind}-{roadshow.pk}"


@transaction.atomic
def roadshow_page_sync(*, roadshow_id: int) -> RoadshowPage | None:
    """Publishing a roadshow creates or updates its page; unpublishing takes the
    page down.  The editorial part (introduction, gallery, partners) is never
    touched; cancelled and closed roadshows keep their page, showing the status."""
    roadshow = Roadshow.objects.filter(pk=roadshow_id).first()
    if roadshow is None:
        return None
    public = Roadshow.objects.filter(PUBLIC_Q, pk=roadshow_id).exists()
    page = RoadshowPage.objects.filter(roadshow=roadshow).first()
    if page is None:
        if not public:
            return None
        index = RoadshowIndexPage.objects.first()
        if index is None:
            log.error("no roadshow index page: roadshow %s has no page", roadshow_id)
            return None
        page = RoadshowPage(
            title=roadshow.title,
            slug=_slug(roadshow),
            roadshow=roadshow,
            search_description=roadshow.summary[:160],
        )
        index.add_child(instance=page)
        page.save_revision().publish()
        return page
    if not public:
        if page.live:
            page.unpublish()
        return page
    if page.title != roadshow.title or not page.live:
        draft = page.get_latest_revision_as_object()
        draft.title = roadshow.title
        revision = draft.save_revision()
        if not page.has_unpublished_changes or not page.live:
            revision.publish()
        else:
            # An editor's draft is waiting: keep it a draft, retitle the live page.
            RoadshowPage.objects.filter(pk=page.pk).update(title=roadshow.title)
    return page
