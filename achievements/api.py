"""The JSON API /api/v1/ (django-ninja): achievements and demands."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Body, NinjaAPI, Query, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer

from accounts.models import ApiToken
from accounts.permissions import user_can

from . import selectors, services
from .enums import ReviewStatus, TransferMode
from .models import Achievement, Demand
from .validation import COLUMN_KEYS, Lookups, clean_record

api = NinjaAPI(
    title="科技成果路演平台 API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Published achievements and technology demands; submission of achievements "
        "by an organization's programme-management system with its token "
        "(`Authorization: Bearer <token>`)."
    ),
)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        if not token or len(token) > 200:
            return None
        found = (
            ApiToken.objects.select_related("organization")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found


class FieldOut(Schema):
    code: str
    name: str


class AchievementOut(Schema):
    id: int
    title: str
    summary: str
    owner: str
    team: str
    source_programme: str
    project_number: str
    field: FieldOut
    trl: int
    market_demand: str
    transfer_demand: str
    transfer_modes: list[str]
    open_licence_terms: str
    price_min: Decimal | None
    price_max: Decimal | None
    target_provinces: list[str]
    patents: str
    keywords: str
    publication: str
    published_at: datetime | None
    url: str

    @staticmethod
    def resolve_owner(obj: Achievement) -> str:
        return obj.owner.name

    @staticmethod
    def resolve_target_provinces(obj: Achievement) -> list[str]:
        return [p.code for p in obj.target_provinces.all()]

    @staticmethod
    def resolve_url(obj: Achievement) -> str:
        return obj.get_absolute_url()


class CatalogueQuery(Schema):
    q: str = ""
    field: str = ""
    trl: int | None = None
    province: str = ""
    mode: str = ""
    programme: str = ""
    sort: str = "newest"


class DemandOut(Schema):
    id: int
    title: str
    organization: str
    field: FieldOut
    description: str
    budget_min: Decimal | None
    budget_max: Decimal | None
    province: str
    min_trl: int
    deadline: date | None
    status: str

    @staticmethod
    def resolve_organization(obj: Demand) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_province(obj: Demand) -> str:
        return obj.province.code


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    errors: list[ErrorItem] = []


class SubmitOut(Schema):
    id: int
    project_number: str
    status: str
    created: bool


@api.get("/achievements", response=list[AchievementOut], tags=["achievements"])
@paginate(PageNumberPagination, page_size=20)
def achievement_list(request, filters: Query[CatalogueQuery]):
    mode = filters.mode if filters.mode in TransferMode.values else ""
    trl = filters.trl if filters.trl and 1 <= filters.trl <= 9 else None
    sort = filters.sort if filters.sort in selectors.SORTS else "newest"
    return selectors.catalogue_search(
        user=request.user,
        filters=selectors.CatalogueFilters(
            q=filters.q[:100],
            field=filters.field,
            trl=trl,
            province=filters.province,
            mode=mode,
            programme=filters.programme,
            sort=sort,
        ),
    ).prefetch_related("target_provinces")


@api.get(
    "/achievements/{int:achievement_id}",
    response={200: AchievementOut, 404: ErrorOut},
    tags=["achievements"],
)
def achievement_detail(request, achievement_id: int):
    achievement = (
        selectors.achievements_visible_to(user=request.user)
        .select_related("field", "owner")
        .filter(pk=achievement_id)
        .first()
    )
    if achievement is None:
        return _error(404, "not_found", _("成果不存在或无权查看。"))
    return achievement


def _error(status: int, code: str, message: str, errors=None) -> Status:
    return Status(status, {"code": code, "message": message, "errors": errors or []})


@api.post(
    "/achievements",
    auth=TokenAuth(),
    response={200: SubmitOut, 201: SubmitOut, 400: ErrorOut, 409: ErrorOut},
    tags=["achievements"],
    summary="Submit or update an achievement (by project number)",
)
def achievement_submit(request, payload: dict[str, Any] = Body(...)):  # noqa: B008
    token: ApiToken = request.auth
    unknown = sorted(set(payload) - set(COLUMN_KEYS))
    if unknown:
        return _error(
            400,
            "unknown_fields",
            _("请求包含未知字段。"),
            [{"field": k, "message": _("未知字段。")} for k in unknown],
        )
    payload = {**payload, "owner": payload.get("owner") or token.organization.name}
    if payload["owner"] != token.organization.name:
        return _error(
            400,
            "owner_mismatch",
            _("只能提交本机构（令牌所属机构）的成果。"),
            [{"field": "owner", "message": _("与令牌所属机构不符。")}],
        )
    cleaned = clean_record(payload, lookups=Lookups())
    if cleaned.errors:
        return _error(
            400,
            "invalid",
            _("数据校验未通过。"),
            [{"field": k, "message": m} for k, m in cleaned.errors],
        )
    number = cleaned.data["project_number"]
    with transaction.atomic():
        existing = (
            Achievement.objects.select_for_update()
            .filter(project_number=number)
            .first()
        )
        if existing is not None and existing.owner_id != token.organization_id:
            return _error(
                409,
                "project_number_taken",
                _("该项目编号属于其他机构的成果。"),
                [{"field": "project_number", "message": _("项目编号冲突。")}],
            )
        if existing is not None:
            try:
                achievement = services.achievement_update(
                    achievement=existing,
                    data=cleaned.data,
                    by=None,
                    comment=gettext_noop("通过接口更新"),
                )
            except services.ReviewError as exc:
                return _error(409, "under_review", str(exc))
        else:
            achievement = services.achievement_create(
                owner=token.organization,
                data=cleaned.data,
                by=None,
                status=ReviewStatus.SUBMITTED,
                comment=gettext_noop("通过接口提交"),
            )
    body = {
        "id": achievement.pk,
        "project_number": number,
        "status": achievement.status,
        "created": existing is None,
    }
    return Status(201 if existing is None else 200, body)


@api.get("/demands", response=list[DemandOut], tags=["demands"])
@paginate(PageNumberPagination, page_size=20)
def demand_list(request, field: str = ""):
    demands = selectors.demands_visible_to(user=request.user).select_related(
        "organization", "field", "province"
    )
    if field:
        demands = demands.filter(field__code=field)
    return demands


@api.get(
    "/demands/{int:demand_id}",
    response={200: DemandOut, 404: ErrorOut},
    tags=["demands"],
)
def demand_detail(request, demand_id: int):
    demand = get_object_or_404(
        Demand.objects.select_related("organization", "field", "province"), pk=demand_id
    )
    if not user_can(request.user, "demand.view", demand):
        return _error(404, "not_found", _("需求不存在或无权查看。"))
    return demand
