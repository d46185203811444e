"""livestream.admission.Gathered, with the interleaving held still: the
callers of a key who arrive while its read is in flight wait for the next
read, which serves all of them; nobody is served by a read that started
before they arrived; a read that fails fails its callers only."""

import asyncio
import threading

import pytest

from livestream.admission import Gathered


class Gate:
    """A read whose first call waits, on the database thread, until the test
    lets it go — the moment 'a read is in flight' made to last."""

    def __init__(self, fail_first: bool = False) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls: list[tuple[str, list]] = []
        self.fail_first = fail_first

    def read(self, key, items):
        self.calls.append((key, list(items)))
        if len(self.calls) == 1:
            self.started.set()
            assert self.release.wait(10), "the test never let the first read go"
            if self.fail_first:
                raise ConnectionError("the database went away")
        number = len(self.calls)
        return [(number, item) for item in items]


async def _in_flight(gate: Gate, gathered: Gathered, key, item):
    """Starts the first read and returns once it is running."""
    first = asyncio.ensure_future(gathered(key, item))
    assert await asyncio.to_thread(gate.started.wait, 10)
    return first


def test_callers_arriving_during_a_read_are_served_by_the_next_one_together():
    gate = Gate()
    gathered = Gathered(gate.read)

    async def scenario():
        first = await _in_flight(gate, gathered, "room-1", "a")
        later = [asyncio.ensure_future(gathered("room-1", n)) for n in "bcd"]
        elsewhere = asyncio.ensure_future(gathered("room-2", "z"))
        await asyncio.sleep(0.05)  # all three are waiting, none is served
        assert not any(f.done() for f in [first, *later, elsewhere])
        gate.release.set()
        return await first, await asyncio.gather(*later), await elsewhere

    first, later, elsewhere = asyncio.run(scenario())
    # a's read had started before b, c and d came: they are not served by it
    assert first == (1, "a")
    assert later == [(2, "b"), (2, "c"), (2, "d")]
    assert elsewhere == (3, "z")
    assert gate.calls == [
        ("room-1", ["a"]),
        ("room-1", ["b", "c", "d"]),
        ("room-2", ["z"]),
    ]


def test_a_failed_read_fails_its_callers_and_the_next_read_is_fresh():
    gate = Gate(fail_first=True)
    gathered = Gathered(gate.read)

    async def scenario():
        first = await _in_flight(gate, gathered, "room-1", "a")
        second = asyncio.ensure_future(gathered("room-1", "b"))
        await asyncio.sleep(0.05)
        gate.release.set()
        with pytest.raises(ConnectionError):
            await first
        return await second, await gathered("room-1", "c")

    second, third = asyncio.run(scenario())
    assert second == (2, "b")
    assert third == (3, "c")
    assert [items for _, items in gate.calls] == [["a"], ["b"], ["c"]]


def test_a_read_with_no_answer_gives_each_caller_none():
    gathered = Gathered(lambda key, items: None)

    async def scenario():
        return await asyncio.gather(*(gathered("gone", n) for n in "xyz"))

    assert asyncio.run(scenario()) == [None, None, None]
