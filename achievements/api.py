"""The JSON API /api/v1/ (django-ninja): achievements and demands.  The API
object is made here, the first app with routes; later apps add theirs as
routers (events/api.py: roadshows), joined by the wiring (roadshow/api.py)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Body, Field, NinjaAPI, Path, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer

from accounts.models import ApiToken
from accounts.permissions import user_can

from . import selectors, services
from .api_errors import (
    NO_NUL_PATTERN,
    ErrorOut,
    error,
    forbidden_text,
    install_error_handlers,
    not_found,
)
from .enums import DemandKind, ReviewStatus, TransferMode
from .models import Achievement, Demand
from .validation import COLUMN_KEYS, COLUMNS, Lookups, clean_record

api = NinjaAPI(
    title="Technology Roadshow Platform API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Published achievements, roadshows and technology demands; submission of "
        "achievements by an organization's programme-management system with its "
        "token "
        "(`Authorization: Bearer <token>`). Every error answers "
        '`{"code": …, "message": …, "errors": [{"field": …, "message": …}]}`; '
        "invalid parameters answer 400 with code `invalid`."
    ),
)
install_error_handlers(api)

# Deep pages cost a scan of every row before them; no caller needs more.
MAX_PAGE = 10_000
MAX_PAGE_SIZE = 100
# Ids are 64-bit in every database the platform runs on.
MAX_ID = 2**63 - 1

# Text that the database can store and compare (no NUL).
Text = Annotated[str, Field(pattern=NO_NUL_PATTERN)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


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


class TermOut(Schema):
    """A term of one of the agricultural vocabularies (seeds/004 六.2)."""

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
    agri_tech_field: TermOut | None = Field(
        None, description="Agricultural technology field 技术领域."
    )
    agri_industry: TermOut | None = Field(
        None, description="Agricultural industry served 服务产业类型."
    )
    agri_scenario: TermOut | None = Field(
        None, description="Agricultural application scenario 产业应用场景."
    )
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
    q: Text = Field("", description="Full-text search (the first 100 characters).")
    field: Text = Field("", description="Industry field code.")
    trl: int | None = Field(
        None, ge=1, le=9, description="Exactly this readiness level."
    )
    trl_min: int | None = Field(
        None, ge=1, le=9, description="Lowest readiness level (included)."
    )
    trl_max: int | None = Field(
        None, ge=1, le=9, description="Highest readiness level (included)."
    )
    province: Text = Field("", description="Target province code.")
    mode: Literal[("", *TransferMode.values)] = ""
    programme: Text = Field("", description="Source programme.")
    agri_tech: Text = Field(
        "", description="Agricultural technology field (term code)."
    )
    agri_industry: Text = Field(
        "", description="Agricultural industry served (term code)."
    )
    agri_scenario: Text = Field(
        "", description="Agricultural application scenario (term code)."
    )
    sort: Literal[tuple(selectors.SORTS)] = "newest"


class Pagination(PageNumberPagination):
    """Page numbers and sizes within documented bounds (400 beyond them)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=20, max_page_size=MAX_PAGE_SIZE, **kwargs)


class DemandOut(Schema):
    id: int
    kind: str = Field(
        description="technology (技术需求) or scenario (应用场景, with its owner)"
    )
    scenario_owner: str = Field(description="the city or enterprise offering it")
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


class SubmitOut(Schema):
    id: int
    project_number: str
    status: str
    created: bool


@api.get(
    "/achievements",
    response={200: list[AchievementOut], 400: ErrorOut},
    tags=["achievements"],
)
@paginate(Pagination)
def achievement_list(request, filters: Query[CatalogueQuery]):
    return selectors.catalogue_search(
        user=request.user,
        filters=selectors.CatalogueFilters(
            q=filters.q[:100],
            field=filters.field,
            trl_min=filters.trl if filters.trl is not None else filters.trl_min,
            trl_max=filters.trl if filters.trl is not None else filters.trl_max,
            province=filters.province,
            mode=filters.mode,
            programme=filters.programme,
            agri_tech=filters.agri_tech,
            agri_industry=filters.agri_industry,
            agri_scenario=filters.agri_scenario,
            sort=filters.sort,
        ),
    ).prefetch_related("target_provinces")


@api.get(
    "/achievements/{achievement_id}",
    response={200: AchievementOut, 400: ErrorOut, 404: ErrorOut},
    tags=["achievements"],
)
def achievement_detail(request, achievement_id: Id):
    achievement = (
        selectors.achievements_visible_to(user=request.user)
        .select_related(
            "field", "owner", "agri_tech_field", "agri_industry", "agri_scenario"
        )
        .filter(pk=achievement_id)
        .first()
    )
    if achievement is None:
        return not_found(_("成果不存在或无权查看。"))
    return achievement


# The body of a submission: the import template's keys, nothing else.
SUBMISSION_BODY = {
    "type": "object",
    "description": (
        "The import template's keys; values are validated exactly like a "
        "spreadsheet row (lists may be arrays or text). `owner` defaults to "
        "the token's organization."
    ),
    "properties": {key: {} for key in COLUMN_KEYS},
    "additionalProperties": False,
    "required": [c.key for c in COLUMNS if c.required and c.key != "owner"],
    "example": {
        "project_number": "2024YFA0100001",
        "title": "大型风电叶片碳纤维主梁成型技术",
        "summary": "面向百米级风电叶片的碳纤维拉挤主梁及其成型工艺。",
        "field": "new-materials",
        "trl": 7,
        "transfer_modes": ["licence", "joint_development"],
        "target_provinces": ["32", "浙江"],
        "price_min": "200",
        "price_max": "500",
    },
}


@api.post(
    "/achievements",
    auth=TokenAuth(),
    response={
        200: SubmitOut,
        201: SubmitOut,
        400: ErrorOut,
        401: ErrorOut,
        409: ErrorOut,
    },
    tags=["achievements"],
    summary="Submit or update an achievement (by project number)",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": SUBMISSION_BODY}}}
    },
)
def achievement_submit(request, payload: dict[str, Any] = Body(...)):  # noqa: B008
    token: ApiToken = request.auth
    unknown = sorted(set(payload) - set(COLUMN_KEYS))
    if unknown:
        return error(
            400,
            "unknown_fields",
            _("请求包含未知字段。"),
            [{"field": k, "message": _("未知字段。")} for k in unknown],
        )
    bad = forbidden_text(payload, path="")
    if bad is not None:
        return error(
            400,
            "invalid",
            _("数据校验未通过。"),
            [{"field": bad, "message": _("包含不允许的字符。")}],
        )
    payload = {**payload, "owner": payload.get("owner") or token.organization.name}
    if payload["owner"] != token.organization.name:
        return error(
            400,
            "owner_mismatch",
            _("只能提交本机构（令牌所属机构）的成果。"),
            [{"field": "owner", "message": _("与令牌所属机构不符。")}],
        )
    cleaned = clean_record(payload, lookups=Lookups())
    if cleaned.errors:
        return error(
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
            return error(
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
                return error(409, "under_review", str(exc))
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


@api.get(
    "/demands",
    response={200: list[DemandOut], 400: ErrorOut},
    tags=["demands"],
)
@paginate(Pagination)
def demand_list(
    request, field: Text = "", kind: Literal[("", *DemandKind.values)] = ""
):
    demands = selectors.demands_visible_to(user=request.user).select_related(
        "organization", "field", "province"
    )
    if field:
        demands = demands.filter(field__code=field)
    if kind:
        demands = demands.filter(kind=kind)
    return demands


@api.get(
    "/demands/{demand_id}",
    response={200: DemandOut, 400: ErrorOut, 404: ErrorOut},
    tags=["demands"],
)
def demand_detail(request, demand_id: Id):
    demand = (
        Demand.objects.select_related("organization", "field", "province")
        .filter(pk=demand_id)
        .first()
    )
    if demand is None or not user_can(request.user, "demand.view", demand):
        return not_found(_("需求不存在或无权查看。"))
    return demand


# Any other path under /api/v1/: the wiring adds this router after every
# app's routes (roadshow/api.py), since a path is matched in that order.
unknown_paths = Router()


@unknown_paths.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"],
    "/{path:rest}",
    response={404: ErrorOut},
    include_in_schema=False,
)
def unknown_path(request, rest: str):
    """Any other path under /api/v1/ answers the API's 404, not a web page."""
    return not_found(_("接口地址不存在。"))
