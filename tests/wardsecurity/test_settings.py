"""The production profile (GUARANTEES G15): ``check --deploy`` passes with no warning.

Each check runs ``manage.py`` in a subprocess, so the production settings are loaded exactly as a
deployment loads them, not patched into this test process.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode, urlunsplit

import dj_database_url
import pytest
from django.conf import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REQUIRED = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL")
CHECK_DEPLOY = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]


def current_database_url():
    """A DATABASE_URL for the database this test run uses (the test database)."""
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    query = {k: v for k, v in (db.get("OPTIONS") or {}).items() if isinstance(v, str | int)}
    host = db.get("HOST") or ""
    if host.startswith("/"):  # a Unix socket folder goes in the query string
        query["host"], host = host, ""
    netloc = f"{auth}@{host}" + (f":{db['PORT']}" if db.get("PORT") else "")
    return urlunsplit(("postgresql", netloc, "/" + quote(db["NAME"]), urlencode(query), ""))


def production_env(**overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST_")) and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="wardsecurity.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="portal.example.gov.vn",
        DATABASE_URL=current_database_url(),
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(args, env):
    return subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_url_given_to_the_subprocess_names_the_test_database(db):
    parsed = dj_database_url.parse(current_database_url())
    current = settings.DATABASES["default"]
    assert parsed["NAME"] == current["NAME"]
    assert parsed["NAME"].startswith("test_")
    assert parsed["USER"] == current["USER"]
    assert (parsed["HOST"] or parsed["OPTIONS"].get("host")) == (
        current["HOST"] or current["OPTIONS"].get("host")
    )


def test_the_production_profile_passes_check_deploy_with_no_warning(db):
    result = run(CHECK_DEPLOY, production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output
    assert "WARNING" not in output, output


def test_the_production_profile_forces_debug_off_even_when_the_environment_asks(db):
    result = run(CHECK_DEPLOY, production_env(DJANGO_DEBUG="true"))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def test_check_deploy_fails_on_a_weak_secret_key(db):
    # Proves the check above can fail: a short key is a deployment warning (security.W009).
    result = run(CHECK_DEPLOY, production_env(DJANGO_SECRET_KEY="short-key"))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "security.W009" in output, output


@pytest.mark.parametrize("missing", REQUIRED)
def test_the_production_profile_refuses_to_load_without_a_required_variable(missing, db):
    result = run(CHECK_DEPLOY, production_env(**{missing: None}))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert missing in output, output
    assert "ImproperlyConfigured" in output, output


@pytest.mark.parametrize("missing", REQUIRED)
def test_an_empty_required_variable_counts_as_missing(missing, db):
    result = run(CHECK_DEPLOY, production_env(**{missing: ""}))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert missing in output, output
