import datetime as dt

from accounts.enums import OrganizationKind
from achievements.models import IndustryField, Province
from events.enums import RegionKind
from events.models import Roadshow
from events.services import SHANGHAI, FieldTurn, RegionTurn
from tests.factories import make_org


def make_roadshow(
    *,
    lead_host=None,
    day=dt.date(2027, 3, 10),
    hours=(14, 17),
    status="draft",
    **overrides,
) -> Roadshow:
    data = {
        "kind": "field",
        "field": IndustryField.objects.get(code="new-materials"),
        "title": "新材料领域成果路演",
        "start": dt.datetime.combine(day, dt.time(hours[0]), tzinfo=SHANGHAI),
        "end": dt.datetime.combine(day, dt.time(hours[1]), tzinfo=SHANGHAI),
        "lead_host": lead_host or make_org(kind=OrganizationKind.SPECIALIZED_AGENCY),
        "status": status,
        "venue": "科技会堂",
        "address": "北京市海淀区",
    }
    data.update(overrides)
    return Roadshow.objects.create(**data)


def rotas(n_fields=10, provinces=("32", "44", "51", "21", "61")):
    agency = make_org(kind=OrganizationKind.SPECIALIZED_AGENCY)
    field_rota = [
        FieldTurn(field=f, host=agency)
        for f in IndustryField.objects.order_by("sort_order")[:n_fields]
    ]
    region_rota = [
        RegionTurn(
            kind=RegionKind.PROVINCE,
            province=Province.objects.get(code=code),
            zone=None,
            host=make_org(kind=OrganizationKind.LOCAL_ST_DEPARTMENT),
        )
        for code in provinces
    ]
    return field_rota, region_rota
