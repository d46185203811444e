"""The embedded default signs with a random key of its own, never with a
constant from the repository (#12: a public key forged confirmation links)."""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def _demo_key(key_file: Path) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="roadshow.settings.dev", SECRET_KEY_FILE=str(key_file)
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PRINT_KEY],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_demo_key_is_made_on_first_run_private_and_reused(tmp_path):
    key_file = tmp_path / "var" / "secret_key"
    first = _demo_key(key_file)
    assert len(first) >= 50
    assert first != "embedded-demo-only-not-for-production"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _demo_key(key_file) == first  # sessions and links survive a restart
    # Another instance (another data folder) gets a key of its own.
    assert _demo_key(tmp_path / "other" / "secret_key") != first


def test_demo_key_file_readable_by_others_is_made_private(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("k" * 60 + "\n")
    key_file.chmod(0o644)
    assert _demo_key(key_file) == "k" * 60
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_var_folder_is_ignored_by_git():
    result = subprocess.run(
        ["git", "check-ignore", "-q", "var/secret_key"], cwd=ROOT, check=False
    )
    assert result.returncode == 0
