"""The embedded default's secret key: random, made on first run, kept in the
data folder (outside git) with mode 0600 and reused on later runs.

A key that is in the repository lets anyone sign sessions, confirmation links
and tickets for this instance, so no environment ever signs with a constant.
Production does not come here: it refuses to start without SECRET_KEY.
"""

import os
import secrets
from pathlib import Path


def load_or_create(path: Path) -> str:
    """The key kept at ``path``; a new random one stored there if none is."""
    try:
        key = _read(path)
    except FileNotFoundError:
        key = ""
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole to a private temporary file, then linked into place: a
    # second process starting at the same moment either wins the link or
    # reads the complete file the first one linked (never a half-written key).
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> str:
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)  # a key others on the machine can read is no secret
    return path.read_text().strip()
