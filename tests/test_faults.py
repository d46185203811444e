"""The SMTP sink the drills count emails with (bench/faults.py): it counts
each message by its Message-ID, refuses connections while down and takes
its time while slow — as Django's SMTP backend sees it."""

import time

import pytest
from django.core.mail import EmailMessage, get_connection

from bench.faults import SmtpSink


def _send(port: int, message_id: str) -> None:
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host="127.0.0.1",
        port=port,
        use_tls=False,
        timeout=5,
    )
    EmailMessage(
        "报名成功：演练",
        "您好！\n.\n..一行以点开头\n",
        "roadshow@drill.example",
        ["a@drill.example", "b@drill.example"],
        headers={"Message-ID": f"<{message_id}@drill.example>"},
        connection=connection,
    ).send()


def test_the_sink_counts_messages_by_id_and_recipient():
    with SmtpSink() as sink:
        _send(sink.port, "one")
        _send(sink.port, "one")
        _send(sink.port, "two")
        assert dict(sink.counts()) == {
            "<one@drill.example>": 2,
            "<two@drill.example>": 1,
        }
        assert sink.recipients["<one@drill.example>"] == [
            "a@drill.example",
            "b@drill.example",
        ]
        assert sink.subjects["<two@drill.example>"] == "报名成功：演练"


def test_the_sink_refuses_while_down_and_is_slow_when_asked():
    with SmtpSink() as sink:
        sink.down()
        with pytest.raises(ConnectionRefusedError):
            _send(sink.port, "refused")
        sink.up()
        sink.delay = 0.5
        started = time.monotonic()
        _send(sink.port, "slow")
        assert time.monotonic() - started >= 0.5
        assert dict(sink.counts()) == {"<slow@drill.example>": 1}
