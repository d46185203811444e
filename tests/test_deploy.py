"""The deployment files in deploy/ are the ones `make cluster` runs and the
README tells operators to install: the balancer's configuration is valid as
rendered for a machine, and every unit runs a command that exists."""

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))


def _cluster_script():
    spec = importlib.util.spec_from_file_location(
        "cluster_script", ROOT / "scripts" / "cluster.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_unit_runs_a_command_that_exists():
    commands = get_commands()
    seen = set()
    for unit in UNITS:
        text = unit.read_text()
        assert "EnvironmentFile=/etc/roadshow/roadshow.env" in text, unit.name
        for command in re.findall(r"manage\.py (\w+)", text):
            assert command in commands, (unit.name, command)
            seen.add(command)
        if "roadshow.server" in text:
            seen.add("roadshow.server")
    assert seen == {
        "roadshow.server",
        "db_worker",
        "publish_scheduled",
        "send_deal_digest",
        "send_match_digest",
        "expire_meeting_requests",
        "prune_db_task_results",
        "mail_requeue",
    }
    for unit in UNITS:
        if unit.name.endswith("@.service") or "Type=oneshot" not in unit.read_text():
            continue
        assert (unit.parent / unit.name.replace(".service", ".timer")).exists()


def test_the_balancer_configuration_is_valid_as_rendered(tmp_path):
    if shutil.which("haproxy") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("haproxy is missing (.ci/run installs Debian's haproxy)")
        pytest.skip("haproxy is not installed (apt-get install haproxy)")
    state = {"port": 18080, "web": [{"port": 18081}, {"port": 18082}, {"port": 18083}]}
    config = _cluster_script().render_haproxy(state, tmp_path)
    text = config.read_text()
    assert re.findall(r"server (web\d) 127\.0\.0\.1:(\d+)", text) == [
        ("web1", "18081"),
        ("web2", "18082"),
        ("web3", "18083"),
    ]
    assert "bind 127.0.0.1:18080" in text
    result = subprocess.run(
        ["haproxy", "-c", "-f", str(config)],
        env={**os.environ, "ROADSHOW_HOST": "127.0.0.1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"errorfile 503 {ROOT / 'deploy' / 'errors' / 'roadshow-503.http'}" in text
    # The operator's own file, as installed (its error page where the README
    # puts it), is valid too.
    installed_path = tmp_path / "installed.cfg"
    installed_path.write_text(
        (ROOT / "deploy" / "haproxy.cfg")
        .read_text()
        .replace("/etc/haproxy/errors/", f"{ROOT / 'deploy' / 'errors'}/")
    )
    installed = subprocess.run(
        ["haproxy", "-c", "-f", str(installed_path)],
        env={**os.environ, "ROADSHOW_HOST": "roadshow.example.cn"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
