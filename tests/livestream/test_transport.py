"""livestream.transport relies on Daphne's, autobahn's and Twisted's internals
(its docstring lists them, with the versions it was written for).  These
tests run a real Daphne worker and fail, naming what changed, when an
upgrade breaks any of them — where the live room itself would quietly fall
back to the slow path."""

import asyncio
import json
import re
from importlib.metadata import version

from websockets.asyncio.client import connect

from bench.cluster import Worker
from livestream import transport
from tests.livestream.transport_probe import TEXTS


def test_the_installed_servers_are_the_versions_the_transport_was_written_for():
    named = dict(re.findall(r"(daphne|Twisted|autobahn)==([\w.]+)", transport.__doc__))
    installed = {name: version(name) for name in ("daphne", "Twisted", "autobahn")}
    assert named == installed, (
        "The server was upgraded: check livestream.transport against it "
        "(this module's other test), then name the new versions in its docstring."
    )


def test_prepared_frames_go_straight_to_a_real_daphne_socket_in_order(tmp_path):
    worker = Worker(
        settings="roadshow.settings.test",
        env={},
        log=tmp_path / "daphne.log",
        app="tests.livestream.transport_probe:application",
    )
    try:
        worker.wait_ready()

        async def probe():
            url = f"ws://127.0.0.1:{worker.port}/probe/"
            origin = f"http://127.0.0.1:{worker.port}"
            async with connect(url, origin=origin, max_size=None) as ws:
                first = json.loads(await ws.recv())
                if first["socket"] is None:
                    return first, []
                received = [await asyncio.wait_for(ws.recv(), 30) for _ in TEXTS]
                report = json.loads(await asyncio.wait_for(ws.recv(), 30))
                return report, received

        report, received = asyncio.run(probe())
    finally:
        worker.stop()
    assert report["socket"] is not None, "transport.socket_of found no Daphne socket"
    assert report["missing"] == [], f"the server no longer has {report['missing']}"
    assert report["written"] == [True] * len(TEXTS)
    assert received == TEXTS
