"""One validation of an achievement record, for the importer and the API alike.

Every problem is reported against the column it belongs to, in the user's
language; nothing here writes.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.enums import OrganizationKind
from accounts.models import Organization

from .enums import TransferMode
from .models import (
    AGRI_DIMENSIONS,
    TEXT_CONTENT_FIELDS,
    Achievement,
    IndustryField,
    Province,
)


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # lazy translation: the template's column title
    required: bool = False
    meaning: Any = ""  # lazy translation: what the column holds (the template says)


COLUMNS = [
    Column(
        "project_number",
        gettext_lazy("项目编号"),
        True,
        gettext_lazy(
            "来源计划中的项目编号，在成果库中唯一；再次导入同一编号会更新原记录"
        ),
    ),
    Column("title", gettext_lazy("成果名称"), True, gettext_lazy("成果的名称")),
    Column(
        "summary",
        gettext_lazy("成果简介"),
        True,
        gettext_lazy("成果解决的问题、主要指标和应用前景"),
    ),
    Column(
        "owner",
        gettext_lazy("成果持有单位"),
        True,
        gettext_lazy("持有成果的单位全称；尚未登记的单位将按“单位类型”新建"),
    ),
    Column(
        "owner_kind",
        gettext_lazy("单位类型"),
        False,
        gettext_lazy("成果持有单位的类型；单位尚未登记时必填"),
    ),
    Column("team", gettext_lazy("成果团队"), False, gettext_lazy("团队或负责人")),
    Column(
        "source_programme",
        gettext_lazy("来源计划"),
        False,
        gettext_lazy("成果来源的科技计划，如国家重点研发计划"),
    ),
    Column("field", gettext_lazy("产业领域"), True, gettext_lazy("成果所属的产业领域")),
    Column(
        "trl",
        gettext_lazy("技术成熟度"),
        True,
        gettext_lazy("技术成熟度等级（TRL）"),
    ),
    Column(
        "market_demand", gettext_lazy("市场需求"), False, gettext_lazy("目标市场与需求")
    ),
    Column(
        "transfer_demand",
        gettext_lazy("转化需求说明"),
        False,
        gettext_lazy("希望以何种条件、与什么样的伙伴合作转化"),
    ),
    Column(
        "transfer_modes",
        gettext_lazy("转化方式"),
        False,
        gettext_lazy("愿意接受的转化方式"),
    ),
    Column(
        "open_licence_terms",
        gettext_lazy("开放许可条件"),
        False,
        gettext_lazy("公布的开放许可条件；转化方式含开放许可时必填"),
    ),
    Column(
        "price_min",
        gettext_lazy("意向价格下限（万元）"),
        False,
        gettext_lazy("意向价格区间的下限"),
    ),
    Column(
        "price_max",
        gettext_lazy("意向价格上限（万元）"),
        False,
        gettext_lazy("意向价格区间的上限，不小于下限"),
    ),
    Column(
        "target_provinces",
        gettext_lazy("拟重点转化区域"),
        False,
        gettext_lazy("希望重点转化落地的省份"),
    ),
    Column(
        "patents",
        gettext_lazy("知识产权（专利号）"),
        False,
        gettext_lazy("相关专利的专利号"),
    ),
    Column("keywords", gettext_lazy("关键词"), False, gettext_lazy("便于检索的关键词")),
    Column("contact_name", gettext_lazy("联系人"), False, gettext_lazy("成果联系人")),
    Column(
        "contact_phone", gettext_lazy("联系电话"), False, gettext_lazy("联系人电话")
    ),
    Column(
        "contact_email", gettext_lazy("联系邮箱"), False, gettext_lazy("联系人邮箱")
    ),
    Column(
        "agri_tech_field",
        gettext_lazy("技术领域（农业）"),
        False,
        gettext_lazy("农业成果的技术领域，从组织方维护的分类中选一项"),
    ),
    Column(
        "agri_industry",
        gettext_lazy("服务产业类型（农业）"),
        False,
        gettext_lazy("农业成果服务的产业类型，从组织方维护的分类中选一项"),
    ),
    Column(
        "agri_scenario",
        gettext_lazy("产业应用场景（农业）"),
        False,
        gettext_lazy("农业成果的应用场景，从组织方维护的分类中选一项"),
    ),
]
COLUMN_KEYS = [c.key for c in COLUMNS]
_LIST_SPLIT = re.compile(r"[、,，;；/|\s]+")
_PROVINCE_SUFFIX = re.compile(
    r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$"
)
_TRL = re.compile(r"^(?:trl)?\s*(\d+)\s*(?:级)?$", re.IGNORECASE)


def header_key(header: Any, columns: list[Column] | None = None) -> str | None:
    """The column key a header cell names: the Chinese or English title, or the key."""
    text = re.sub(r"[\s*＊]", "", str(header or "")).casefold()
    if not text:
        return None
    for column in COLUMNS if columns is None else columns:
        names = {column.key, str(column.header).casefold()}
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                names.add(re.sub(r"\s", "", str(column.header)).casefold())
        if text in names:
            return column.key
    return None


def column_title(key: str, columns: list[Column] | None = None) -> str:
    for column in COLUMNS if columns is None else columns:
        if column.key == key:
            return str(column.header)
    return key


class Lookups:
    """Reference data loaded once per import or request."""

    def __init__(self) -> None:
        self.fields: dict[str, IndustryField] = {}
        for f in IndustryField.objects.all():
            for alias in (f.code, f.name, f.name_en):
                if alias:
                    self.fields[alias.casefold()] = f
        self.provinces: dict[str, Province] = {}
        for p in Province.objects.all():
            for alias in (p.code, p.name, p.name_en, _PROVINCE_SUFFIX.sub("", p.name)):
                if alias:
                    self.provinces[alias.casefold()] = p
        # The agricultural vocabularies: only the terms still offered.
        self.agri: dict[str, dict[str, Any]] = {}
        self.agri_allowed: dict[str, list[str]] = {}
        for key in AGRI_DIMENSIONS:
            model = Achievement._meta.get_field(key).related_model
            terms = list(model.objects.filter(active=True))
            self.agri[key] = {
                alias.casefold(): term
                for term in terms
                for alias in (term.code, term.name, term.name_en)
                if alias
            }
            self.agri_allowed[key] = [term.local_name for term in terms]
        # The labels in either language, whatever the page's: a file written
        # in Chinese is read the same by someone using the English interface.
        self.modes: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                for value, label in TransferMode.choices:
                    self.modes[value] = value
                    self.modes[str(label).casefold()] = value
                for value, label in OrganizationKind.choices:
                    self.kinds[value] = value
                    self.kinds[str(label).casefold()] = value
        self._orgs: dict[str, Organization | None] = {}

    def organization(self, name: str) -> Organization | None:
        if name not in self._orgs:
            self._orgs[name] = Organization.objects.filter(name=name).first()
        return self._orgs[name]

    def remember_organization(self, org: Organization) -> None:
        self._orgs[org.name] = org


@dataclass
class Cleaned:
    data: dict[str, Any] = field(default_factory=dict)
    owner_name: str = ""
    owner_kind: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)


# A cleaning step reports each problem through ``error(column_key, message)``.
ErrorSink = Callable[[str, str], None]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _items(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [_text(v) for v in value if _text(v)]
    return [part for part in _LIST_SPLIT.split(_text(value)) if part]


def max_length(model: type, key: str) -> int | None:
    """The longest text the model's column ``key`` holds (None: unlimited, or
    not a column)."""
    try:
        return model._meta.get_field(key).max_length
    except Exception:  # noqa: BLE001 — not a model column
        return None


def clean_texts(
    raw: dict[str, Any], keys: Any, *, model: type, error: ErrorSink
) -> dict[str, str]:
    """The text columns ``keys`` of a record, each within its model column's
    length."""
    texts = {}
    for key in keys:
        value = _text(raw.get(key))
        limit = max_length(model, key)
        if limit and len(value) > limit:
            error(
                key,
                _("内容过长：最多 %(limit)d 个字符，实际 %(n)d 个。")
                % {"limit": limit, "n": len(value)},
            )
        texts[key] = value
    return texts


def clean_organization(
    raw: dict[str, Any],
    *,
    name_key: str,
    kind_key: str,
    lookups: Lookups,
    error: ErrorSink,
) -> tuple[str, str]:
    """The organization named in a record and, for one not yet registered,
    the kind it is to be created with."""
    name = _text(raw.get(name_key))
    if len(name) > 200:
        error(name_key, _("单位名称过长：最多 200 个字符。"))
    kind = ""
    kind_text = _text(raw.get(kind_key))
    if kind_text:
        found = lookups.kinds.get(kind_text.casefold())
        if found is None:
            error(kind_key, _("未知的单位类型“%(value)s”。") % {"value": kind_text})
        kind = found or ""
    if name and lookups.organization(name) is None and not kind_text:
        error(
            name_key,
            _("单位“%(name)s”尚未登记：请填写“单位类型”以便新建。") % {"name": name},
        )
    return name, kind


def clean_field(text: str, *, lookups: Lookups, error: ErrorSink) -> Any:
    """The industry field named ``text`` (not empty), or None."""
    industry = lookups.fields.get(text.casefold())
    if industry is None:
        error("field", _("未知的产业领域“%(value)s”。") % {"value": text})
    return industry


def clean_trl(text: str, *, key: str, error: ErrorSink) -> int | None:
    """A technology readiness level 1-9 written as "6", "TRL6" or "6级"
    (``text`` not empty), or None."""
    match = _TRL.match(text)
    level = int(match.group(1)) if match else None
    if level is None or not 1 <= level <= 9:
        error(
            key,
            _("技术成熟度必须是 1 到 9 之间的整数，实际为“%(value)s”。")
            % {"value": text},
        )
        return None
    return level


def clean_amount_range(
    raw: dict[str, Any],
    *,
    low_key: str,
    high_key: str,
    error: ErrorSink,
    invalid: str,
    inverted: str,
) -> tuple[Decimal | None, Decimal | None]:
    """A range of amounts in 万元, each optional: a number >= 0 and < 1e10,
    to the cent. ``invalid`` (with ``%(value)s``) and ``inverted`` are the
    messages in the user's language, which name what the amounts are."""
    amounts: list[Decimal | None] = []
    for key in (low_key, high_key):
        text = _text(raw.get(key)).replace(",", "")
        value = None
        if text:
            try:
                value = Decimal(text)
                if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
                    raise InvalidOperation
                value = value.quantize(Decimal("0.01"))
            except InvalidOperation:
                error(key, invalid % {"value": text})
                value = None
        amounts.append(value)
    low, high = amounts
    if low is not None and high is not None and low > high:
        error(high_key, inverted)
    return low, high


def clean_record(raw: dict[str, Any], *, lookups: Lookups) -> Cleaned:
    """Validate one record (a spreadsheet row or an API body)."""
    out = Cleaned()

    def error(key: str, message: str) -> None:
        out.errors.append((key, message))

    for column in COLUMNS:
        if (
            column.required
            and not _items(raw.get(column.key))
            and not _text(raw.get(column.key))
        ):
            error(column.key, _("必填项不能为空。"))

    out.data.update(
        clean_texts(raw, TEXT_CONTENT_FIELDS, model=Achievement, error=error)
    )

    if out.data["contact_email"]:
        try:
            validate_email(out.data["contact_email"])
        except ValidationError:
            error("contact_email", _("邮箱地址格式不正确。"))

    out.owner_name, out.owner_kind = clean_organization(
        raw, name_key="owner", kind_key="owner_kind", lookups=lookups, error=error
    )

    field_text = _text(raw.get("field"))
    if field_text:
        out.data["field"] = clean_field(field_text, lookups=lookups, error=error)

    trl_text = _text(raw.get("trl"))
    if trl_text:
        out.data["trl"] = clean_trl(trl_text, key="trl", error=error)

    modes = []
    for item in _items(raw.get("transfer_modes")):
        mode = lookups.modes.get(item.casefold())
        if mode is None:
            error("transfer_modes", _("未知的转化方式“%(value)s”。") % {"value": item})
        elif mode not in modes:
            modes.append(mode)
    out.data["transfer_modes"] = modes
    if TransferMode.OPEN_LICENCE in modes and not out.data["open_licence_terms"]:
        error("open_licence_terms", _("选择开放许可时必须公布许可条件。"))

    out.data["price_min"], out.data["price_max"] = clean_amount_range(
        raw,
        low_key="price_min",
        high_key="price_max",
        error=error,
        invalid=_("价格必须是不小于 0 的数字（单位：万元），实际为“%(value)s”。"),
        inverted=_("价格上限不能小于下限。"),
    )

    for key in AGRI_DIMENSIONS:
        text = _text(raw.get(key))
        term = lookups.agri[key].get(text.casefold()) if text else None
        if text and term is None:
            error(
                key,
                _("未知的%(dimension)s“%(value)s”：可选%(allowed)s。")
                % {
                    "dimension": column_title(key),
                    "value": text,
                    "allowed": pgettext("punctuation", "、").join(
                        lookups.agri_allowed[key]
                    )
                    or "—",
                },
            )
        out.data[key] = term

    provinces = []
    for item in _items(raw.get("target_provinces")):
        province = lookups.provinces.get(item.casefold())
        if province is None:
            error("target_provinces", _("未知的省份“%(value)s”。") % {"value": item})
        elif province not in provinces:
            provinces.append(province)
    out.data["target_provinces"] = provinces
    return out
