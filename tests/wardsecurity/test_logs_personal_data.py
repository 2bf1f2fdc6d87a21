"""A search for a person leaves no trace of them in any log (GUARANTEES G17, issue 15 item 5).

Every handler the settings configure is redirected to a buffer while the portal and the API
are searched for a household head's name and phone number — with a page that is not found, a
view that fails with the URL in its error, runserver's request line and gunicorn's access and
error logs. The buffers must say what happened (paths, statuses) and never who was searched.
"""

import io
import logging
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.urls import reverse

from tests.factories import HouseholdFactory
from wardsecurity.api.authentication import token_issue
from wardsecurity.logfilters import redact

pytestmark = pytest.mark.django_db

NAME = "Trần Thị Bích Ngọc"
PHONE = "0912345678"


def forms_of(value: str) -> list[str]:
    """The ways ``value`` can appear in a log: as typed, percent-encoded, plus-encoded."""
    return [value, quote(value), urlencode({"x": value})[2:], value.encode("utf-8").hex()]


@pytest.fixture
def log_buffer():
    """Point every configured stream handler (not pytest's own) at one buffer."""
    buffer = io.StringIO()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if hasattr(logger, "handlers")
    ]
    swapped = []
    for logger in loggers:
        for handler in logger.handlers:
            if type(handler).__module__ == "logging" and isinstance(handler, logging.StreamHandler):
                swapped.append((handler, handler.setStream(buffer)))
    assert swapped, "the settings configure no stream handler"
    yield buffer
    for handler, stream in swapped:
        handler.setStream(stream)


@pytest.fixture
def household(ward_a):
    return HouseholdFactory(group__ward=ward_a, head_name=NAME, phone=PHONE)


def assert_no_personal_data(text: str) -> None:
    for value in (*forms_of(NAME), *forms_of(PHONE), "Ng%E1%BB%8Dc", "Ngọc"):
        assert value not in text, f"{value!r} found in the logs:\n{text}"


def test_portal_and_api_searches_leave_no_name_or_phone_in_the_logs(
    client, clerk_a, household, log_buffer, monkeypatch
):
    client.force_login(clerk_a)
    url = reverse("households:household_list")
    assert client.get(url, {"search": NAME}).status_code == 200
    missing = reverse("households:household_detail", kwargs={"pk": 99999999})
    assert client.get(missing, {"search": PHONE}).status_code == 404

    raw, _ = token_issue(user=clerk_a)
    api = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/households/", {"search": NAME}, **api).status_code == 200
    assert client.get("/api/v1/households/nope/", {"search": PHONE}, **api).status_code == 404

    # A view failing with the URL in its message (as a NoReverseMatch or a DataError would).
    from wardsecurity.portal import views

    def fail(self, *args, **kwargs):
        raise RuntimeError(f"cannot list {self.request.get_full_path()}")

    monkeypatch.setattr(views.RecordListView, "get", fail)
    client.raise_request_exception = False
    assert client.get(url, {"search": NAME, "phone": PHONE}).status_code == 500

    text = log_buffer.getvalue()
    assert "Not Found: /households/" in text
    assert "Internal Server Error: /households/" in text
    assert "RuntimeError: cannot list /households/?[query removed]" in text
    assert_no_personal_data(text)


def test_the_runserver_request_line_has_no_query_string(log_buffer):
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = SimpleNamespace()
    handler.client_address = ("127.0.0.1", 50000)
    handler.requestline = f"GET /households/?{urlencode({'search': NAME, 'phone': PHONE})} HTTP/1.1"
    handler.log_message('"%s" %s %s', handler.requestline, "200", "1234")
    text = log_buffer.getvalue()
    assert '"GET /households/?[query removed] HTTP/1.1" 200 1234' in text
    assert_no_personal_data(text)


def test_gunicorns_access_and_error_logs_have_no_query_string(tmp_path):
    from gunicorn.config import Config

    from wardsecurity.gunicorn_logging import RedactingLogger

    access_file, error_file = tmp_path / "access.log", tmp_path / "error.log"
    config = Config()
    config.set("accesslog", str(access_file))
    config.set("errorlog", str(error_file))
    # The flags scripts/run.sh passes.
    config.set("logger_class", "wardsecurity.gunicorn_logging.RedactingLogger")
    assert config.logger_class is RedactingLogger
    log = config.logger_class(config)
    query = urlencode({"search": NAME, "phone": PHONE})
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/households/?{query}",
        "PATH_INFO": "/households/",
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.9",
        "HTTP_REFERER": f"https://portal.example/households/?{query}",
        "HTTP_USER_AGENT": "test",
    }
    req = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    resp = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    log.access(resp, req, environ, request_time=SimpleNamespace(seconds=0, microseconds=1000))
    log.error("Error handling request %s", environ["RAW_URI"])
    for handler in (*log.access_log.handlers, *log.error_log.handlers):
        handler.flush()
    access, error = access_file.read_text(), error_file.read_text()
    assert '"GET /households/?[query removed] HTTP/1.1" 200 1234' in access
    assert "Error handling request /households/?[query removed]" in error
    assert_no_personal_data(access + error)
    log.close_on_exec()


def test_redact_keeps_paths_and_masks_phone_numbers():
    assert redact("GET /tips/5/?reporter=Lan HTTP/1.1") == "GET /tips/5/?[query removed] HTTP/1.1"
    assert redact("call +84912345678 or 0912345678") == "call [phone removed] or [phone removed]"
    assert redact("Not Found: /households/7/") == "Not Found: /households/7/"
