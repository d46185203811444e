"""Daphne, as the platform runs it: ``python -m roadshow.server`` takes
Daphne's own arguments (``-b``, ``-p``, ``-e``, ``--access-log`` …) and the
application path.

Two changes to how the server holds memory, both measured by
``make bench B=pages`` (see the README):

- Daphne keeps every request's finished application (its task, scope and
  protocol) in ``Server.connections`` until a checker that runs once a second
  removes it.  Under load that is a second's worth of requests alive at any
  time — tens of thousands of objects that outlive the young garbage-collector
  generations, so the full collection runs often and every run walks them all:
  the stalls behind the tail latency.  Here a request is let go as soon as its
  application has finished cleanly and its connection is done; an application
  that failed or was cancelled is still left to Daphne's checker, which logs it
  and answers the client.
- The modules and URL patterns loaded at start-up live as long as
  the process.  They are moved out of the collector's reach (``gc.freeze``)
  before the first request, so a full collection walks only what requests
  allocate.
"""

import gc

from daphne.cli import CommandLineInterface
from daphne.server import Server as DaphneServer


class Server(DaphneServer):
    def create_application(self, protocol, scope):
        queue = super().create_application(protocol, scope)
        if queue is not None:
            instance = self.connections[protocol]["application_instance"]
            instance.add_done_callback(lambda _done: self.release(protocol))
        return queue

    def protocol_disconnected(self, protocol):
        super().protocol_disconnected(protocol)
        self.release(protocol)

    def release(self, protocol) -> None:
        """Forget a closed connection whose application has ended cleanly.

        Anything else (no application yet, or one that failed) is left to
        Daphne's checker, as before."""
        details = self.connections.get(protocol)
        if details is None or "disconnected" not in details:
            return
        instance = details.get("application_instance")
        if (
            instance is None
            or not instance.done()
            or instance.cancelled()
            or instance.exception()
        ):
            return
        del self.connections[protocol]

    def run(self):
        warm_up()
        gc.collect()
        gc.freeze()
        super().run()


def warm_up() -> None:
    """Load what the first request would otherwise load, so it is frozen too."""
    from django.conf import settings

    if not settings.configured:
        return
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every URLconf)


class CommandLine(CommandLineInterface):
    server_class = Server


def main() -> None:
    CommandLine.entrypoint()


if __name__ == "__main__":
    main()
