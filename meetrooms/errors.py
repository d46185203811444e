"""The one error of the meeting rooms' reads and writes."""


class MeetError(Exception):
    """A refused action: ``code`` for programs, ``message`` for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
