"""Project wiring: health check, settings, translations, deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_says_the_process_answers(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {}}


def test_readyz_reports_every_dependency(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "channel_layer": "ok",
            "migrations": "ok",
            "draining": "ok",
        },
    }


@pytest.fixture
def layer_down(settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_a_lost_channel_layer_makes_a_worker_unready_not_dead(client, db, layer_down):
    # Every worker shares the same Redis: taking them all out of the
    # balancer would turn a degraded platform into a dead one.
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"] == "error: ConnectionError"
    assert response.json()["checks"]["database"] == "ok"


def test_a_draining_worker_is_unready(client, db, settings, tmp_path):
    settings.DRAIN_FILE = str(tmp_path / "drain")
    assert client.get("/readyz").status_code == 200
    (tmp_path / "drain").touch()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["draining"] == "error: draining"
    assert client.get("/healthz").status_code == 200


def _manage(*args, env=None):
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    env = {
        "DJANGO_SETTINGS_MODULE": "roadshow.settings.production",
        "ALLOWED_HOSTS": "roadshow.example.cn",
    }
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={k: v for k, v in {**os.environ, **env}.items() if k != "SECRET_KEY"},
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_deploy_check_is_clean():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "roadshow.settings.production",
            "SECRET_KEY": "x" * 64 + "production-grade-secret-for-check",
            "ALLOWED_HOSTS": "roadshow.example.cn",
            "BASE_URL": "https://roadshow.example.cn",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_its_public_address():
    result = _manage(
        "check",
        env={
            "DJANGO_SETTINGS_MODULE": "roadshow.settings.production",
            "SECRET_KEY": "x" * 64 + "production-grade-secret-for-check",
            "ALLOWED_HOSTS": "roadshow.example.cn",
            "BASE_URL": "",
        },
    )
    assert result.returncode != 0
    assert "BASE_URL must be set in production" in result.stderr


def test_the_demo_links_to_where_it_serves():
    result = subprocess.run(
        ["make", "-n", "demo", "HOST=0.0.0.0", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "BASE_URL=http://127.0.0.1:8123 " in result.stdout
    assert "-b 0.0.0.0 -p 8123" in result.stdout


@pytest.mark.parametrize(("lang", "text"), [("zh-hans", "成果库"), ("en", "Library")])
def test_language_switch(client, db, lang, text):
    response = client.get(f"/lang/{lang}/", {"next": "/achievements/"})
    assert response["Location"] == "/achievements/"
    html = client.get("/achievements/").content.decode()
    assert f'<html lang="{lang}">' in html
    assert text in html


def test_chinese_is_the_default_whatever_the_browser_says(client, db):
    html = client.get("/achievements/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content
    assert '<html lang="zh-hans">' in html.decode()


def test_english_catalogue_is_complete():
    import polib

    po = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert (untranslated, fuzzy) == ([], [])


def test_language_switch_refuses_foreign_redirects(client, db):
    response = client.get("/lang/en/", {"next": "https://evil.example.com/"})
    assert response["Location"] == "/"
    assert client.get("/lang/fr/").status_code == 404


def test_favicon_is_served_at_the_root_and_linked_from_every_page(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    # An ICO directory (reserved 0, type 1) holding the 16, 32 and 48 px icons.
    assert response.content[:4] == b"\x00\x00\x01\x00"
    assert response.content[4] == 3
    assert response.content == (ROOT / "static" / "favicon.ico").read_bytes()
    assert "max-age=604800" in response["Cache-Control"]
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405
    html = client.get("/achievements/").content.decode()
    assert '<link rel="icon" href="/static/favicon.ico"' in html


def test_wagtail_admin_never_asks_gravatar_for_avatars(client, roles, settings):
    """Gravatar is blocked in mainland China: the admin would wait on it."""
    from wagtail.admin.templatetags.wagtailadmin_tags import avatar_url

    organizer = roles[0]["organizer"]
    organizer.email = "organizer@example.cn"
    organizer.save()
    default = "/static/wagtailadmin/images/default-user-avatar.png"
    assert avatar_url(organizer).startswith(default)
    client.force_login(organizer)
    html = client.get("/admin/").content.decode()
    assert "default-user-avatar" in html
    assert "gravatar" not in html.lower()
    # Wagtail's own default would ask Gravatar.
    del settings.WAGTAIL_GRAVATAR_PROVIDER_URL
    assert "gravatar.com/avatar/" in avatar_url(organizer)


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/", 'href="/" aria-current="page">首页'),
        ("/roadshows/", 'href="/roadshows/" aria-current="page">路演'),
        ("/achievements/", 'href="/achievements/" aria-current="page">成果库'),
        ("/cases/", 'href="/cases/" aria-current="page">典型案例'),
        ("/demands/", 'href="/demands/" aria-current="page">技术需求'),
        ("/disclosures/", 'href="/disclosures/" aria-current="page">公示'),
        ("/disclosures/?all=1", 'href="/disclosures/" aria-current="page">公示'),
    ],
)
def test_header_offers_every_public_section_and_marks_the_current_one(
    client, db, path, current
):
    html = client.get(path).content.decode()
    header = html[
        html.index('<nav class="main-nav"') : html.index(
            "</nav>", html.index('<nav class="main-nav"')
        )
    ]
    for href in (
        "/",
        "/roadshows/",
        "/achievements/",
        "/cases/",
        "/demands/",
        "/disclosures/",
    ):
        assert f'href="{href}"' in header, href
    assert current in header
    assert header.count("aria-current") == 1


def test_header_marks_the_section_of_a_page_inside_it():
    from roadshow.navigation import section_of

    assert section_of("/roadshows/2026-12-field-23/") == "roadshows"
    assert section_of("/live/25/") == "roadshows"
    assert section_of("/achievements/12/") == "achievements"
    assert section_of("/cases/deal-4/") == "cases"
    assert section_of("/disclosures/7/") == "disclosures"
    assert section_of("/workspace/registrations/3/") == "workspace"
    assert section_of("/accounts/login/") == ""
    assert section_of("/roadshowsx/") == ""
