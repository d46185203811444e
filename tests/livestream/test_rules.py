"""Who is muted is decided once, by the permission rules: the refusal that
tells a muted user why reads the same verdict, not the sanctions again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from livestream import services
from livestream.enums import SanctionKind
from livestream.models import Sanction

pytestmark = pytest.mark.django_db


def test_a_muted_users_question_is_refused_reading_their_sanctions_once(live):
    Sanction.objects.create(
        room=live["room"], user=live["investor"], kind=SanctionKind.MUTE
    )
    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(services.LiveError) as refused:
            services.ask(
                user=live["investor"], room_id=live["room"].pk, text="问", client_id="1"
            )
    assert (refused.value.code, refused.value.message) == (
        "muted",
        "你已被主持人禁言。",
    )
    sanctions = Sanction._meta.db_table
    assert [q["sql"] for q in queries if sanctions in q["sql"]] == [
        next(q["sql"] for q in queries if sanctions in q["sql"])
    ]
