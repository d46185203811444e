"""The platform's Daphne (roadshow.server): a finished request is let go at
once, a failed one is left for Daphne's checker to log and answer, and the
launcher serves the application."""

import asyncio
import urllib.request

import pytest

from bench.cluster import Worker
from roadshow.server import Server


async def _app_ok(scope, receive, send):
    await asyncio.sleep(0)


async def _app_fails(scope, receive, send):
    await asyncio.sleep(0)
    raise RuntimeError("boom")


class Protocol:
    handled = None

    def handle_exception(self, exception):
        self.handled = exception


def _server(app):
    server = Server(application=app, endpoints=["tcp:port=0"])
    server.connections = {}
    return server


def _run_request(server, protocol, *, disconnect_first: bool):
    async def go():
        server.protocol_connected(protocol)
        server.create_application(protocol, {"type": "http"})
        if disconnect_first:  # the response is sent before the application returns
            server.protocol_disconnected(protocol)
            assert protocol in server.connections
        instance = server.connections[protocol]["application_instance"]
        await asyncio.wait([instance])
        await asyncio.sleep(0)  # the done callbacks run on the next turn
        if not disconnect_first:
            server.protocol_disconnected(protocol)

    asyncio.run(go())


@pytest.mark.parametrize("disconnect_first", [True, False])
def test_a_clean_request_is_let_go_as_soon_as_it_is_done(disconnect_first):
    server = _server(_app_ok)
    protocol = Protocol()
    _run_request(server, protocol, disconnect_first=disconnect_first)
    assert protocol not in server.connections


def test_an_open_connection_is_kept():
    server = _server(_app_ok)
    protocol = Protocol()

    async def go():
        server.protocol_connected(protocol)
        server.create_application(protocol, {"type": "websocket"})
        await asyncio.wait([server.connections[protocol]["application_instance"]])
        await asyncio.sleep(0)

    asyncio.run(go())
    assert protocol in server.connections


def test_a_failed_application_is_left_to_daphnes_checker(monkeypatch):
    from daphne import server as daphne_server

    monkeypatch.setattr(daphne_server.reactor, "callLater", lambda *a, **k: None)
    server = _server(_app_fails)
    protocol = Protocol()
    _run_request(server, protocol, disconnect_first=True)
    assert protocol in server.connections
    server.application_checker()  # logs the exception, then forgets the request
    assert protocol not in server.connections


def test_the_launcher_serves_the_platform(tmp_path):
    worker = Worker(  # bench.cluster's worker runs python -m roadshow.server
        settings="roadshow.settings.dev",
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "REDIS_URL": ""},
        log=tmp_path / "server.log",
    )
    try:
        worker.wait_ready()
        with urllib.request.urlopen(
            f"http://127.0.0.1:{worker.port}/healthz", timeout=5
        ) as response:
            assert response.status == 200
    finally:
        worker.stop()
