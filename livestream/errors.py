"""The one error of the live room's reads and writes."""


class LiveError(Exception):
    """A refused action: ``code`` for programs, ``message`` for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
