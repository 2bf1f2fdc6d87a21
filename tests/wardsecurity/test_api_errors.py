"""One error body for every API error (issue 16, item 3): ``code`` and ``detail`` always, in the
request's language; ``fields`` and ``non_field_errors`` only on input errors that have them. The
schema declares, per operation, only the errors it can answer, each with the ``Error`` component.
"""

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from imports.api import views as import_api
from movement.models import OutreachSession
from tests import factories as f
from wardsecurity.api.exceptions import validation_body
from wardsecurity.periods import PERIOD_CLOSED

pytestmark = pytest.mark.django_db

OUTREACH_URL = "/api/v1/outreach-sessions/"
INVALID_INPUT = {"vi": "Dữ liệu nhập không hợp lệ.", "en": "Invalid input."}
ERROR_REF = "#/components/schemas/Error"


@pytest.fixture(params=["vi", "en"])
def lang(request):
    return request.param


def get(client, url, lang, **extra):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=lang, **extra)


def send(client, method, url, data, lang, **extra):
    return getattr(client, method)(
        url, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang, **extra
    )


def error(response, status, code, *, extra=()):
    """The body of an error answer: code and detail strings, and only the ``extra`` keys."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"code", "detail", *extra}, body
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def outreach(ward, **changes):
    return {
        "ward": ward.pk,
        "held_on": "2024-03-05",
        "topic": "Phòng chống ma túy",
        "attendees": 30,
        **changes,
    }


@pytest.fixture
def clerk(client, clerk_a):
    client.force_login(clerk_a)
    return client


# Input errors -------------------------------------------------------------------------------


def test_a_field_error_is_under_fields_with_a_summary(clerk, ward_a, lang):
    response = send(clerk, "post", OUTREACH_URL, outreach(ward_a, held_on="30/02/2024"), lang)
    body = error(response, 400, "invalid", extra={"fields"})
    assert body["detail"] == INVALID_INPUT[lang]
    (message,) = body["fields"]["held_on"]
    assert message.startswith({"vi": "Ngày sai định dạng.", "en": "Date has wrong format."}[lang])
    assert not OutreachSession.objects.exists()


def test_errors_sharing_one_code_answer_that_code(clerk, ward_a, lang):
    response = send(clerk, "post", OUTREACH_URL, {"ward": ward_a.pk}, lang)
    body = error(response, 400, "required", extra={"fields"})
    assert {"held_on", "topic"} <= set(body["fields"])
    assert body["detail"] == INVALID_INPUT[lang]


def test_errors_inside_a_list_have_dotted_paths(clerk, ward_a, lang):
    response = send(clerk, "post", OUTREACH_URL, outreach(ward_a, partners=[None]), lang)
    body = error(response, 400, "null", extra={"fields"})
    assert list(body["fields"]) == ["partners.0"]


def test_one_error_tied_to_no_field_is_the_detail(clerk, lang):
    response = send(clerk, "post", OUTREACH_URL, [1, 2], lang)
    body = error(response, 400, "invalid", extra={"non_field_errors"})
    assert body["non_field_errors"] == [body["detail"]]
    assert body["detail"] != INVALID_INPUT[lang]
    assert body["detail"].startswith({"vi": "Dữ liệu không hợp lệ:", "en": "Invalid data."}[lang])


def test_nested_errors_are_flattened_with_dotted_paths():
    exc = serializers.ValidationError(
        {
            "members": [{}, {"full_name": ["Bắt buộc."], "non_field_errors": ["Trùng."]}],
            "non_field_errors": ["Chung."],
        }
    )
    assert validation_body(exc) == {
        "code": "invalid",
        "detail": str(INVALID_INPUT["vi"]),
        "fields": {"members.1.full_name": ["Bắt buộc."], "members.1": ["Trùng."]},
        "non_field_errors": ["Chung."],
    }


def test_a_record_in_a_closed_period_answers_period_closed(client, officer_a, ward_a, lang):
    record = f.OutreachSessionFactory(ward=ward_a, held_on=dt.date(2024, 1, 15))
    client.force_login(officer_a)
    period = {"ward": ward_a.pk, "start": "2024-01-01", "end": "2024-01-31"}
    assert send(client, "post", "/api/v1/periods/close/", period, lang).status_code == 201
    url = f"{OUTREACH_URL}{record.pk}/"
    etag = client.get(url)["ETag"]
    response = send(client, "patch", url, {"topic": "Khác"}, lang, HTTP_IF_MATCH=etag)
    body = error(response, 400, "period_closed", extra={"fields"})
    with translation.override(lang):
        assert body["fields"] == {"held_on": [str(PERIOD_CLOSED)]}
    assert body["detail"] == INVALID_INPUT[lang]


def test_bad_json_is_a_parse_error(clerk, lang):
    response = clerk.post(
        OUTREACH_URL, b'{"topic": ', content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang
    )
    error(response, 400, "parse_error")


def test_another_media_type_is_refused(clerk, lang):
    response = clerk.post(
        OUTREACH_URL, b"topic=x", content_type="text/plain", HTTP_ACCEPT_LANGUAGE=lang
    )
    error(response, 415, "unsupported_media_type")


def test_a_bad_page_size_is_a_field_error(clerk, lang):
    body = error(get(clerk, f"{OUTREACH_URL}?page_size=0", lang), 400, "invalid", extra={"fields"})
    assert list(body["fields"]) == ["page_size"]


# Request-level errors -----------------------------------------------------------------------


def test_not_signed_in(client, db, lang):
    body = error(get(client, OUTREACH_URL, lang), 401, "not_authenticated")
    assert (
        body["detail"]
        == {
            "vi": "Chưa có thông tin xác thực. Vui lòng đăng nhập.",
            "en": "Authentication credentials were not provided.",
        }[lang]
    )


def test_an_invalid_token(client, db, lang):
    response = get(client, OUTREACH_URL, lang, HTTP_AUTHORIZATION="Bearer wsp_nothing")
    error(response, 401, "authentication_failed")


def test_a_role_refused(client, viewer_city, lang):
    client.force_login(viewer_city)
    error(get(client, "/api/v1/incidents/", lang), 403, "permission_denied")


def test_no_such_record(clerk, lang):
    body = error(get(clerk, f"{OUTREACH_URL}999999/", lang), 404, "not_found")
    assert body["detail"] == {"vi": "Không tìm thấy.", "en": "Not found."}[lang]
    # An address that is no route at all says the same.
    assert get(clerk, "/api/v1/no-such-thing/", lang).json() == body


def test_no_such_page(clerk, lang):
    body = error(get(clerk, f"{OUTREACH_URL}?page=9", lang), 404, "not_found")
    assert body["detail"] == {"vi": "Số trang không hợp lệ.", "en": "Invalid page."}[lang]


def test_a_method_the_resource_does_not_have(clerk, lang):
    response = send(clerk, "put", OUTREACH_URL, {}, lang)
    error(response, 405, "method_not_allowed")


def test_a_stale_if_match(clerk, ward_a, lang):
    record = f.OutreachSessionFactory(ward=ward_a)
    url = f"{OUTREACH_URL}{record.pk}/"
    etag = get(clerk, url, lang)["ETag"]
    assert send(clerk, "patch", url, {"topic": "Một"}, lang, HTTP_IF_MATCH=etag).status_code == 200
    response = send(clerk, "patch", url, {"topic": "Hai"}, lang, HTTP_IF_MATCH=etag)
    error(response, 412, "stale")


def test_an_idempotency_key_reused_with_another_request(clerk, ward_a, lang):
    first = send(clerk, "post", OUTREACH_URL, outreach(ward_a), lang, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    again = send(
        clerk,
        "post",
        OUTREACH_URL,
        outreach(ward_a, topic="Khác"),
        lang,
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    error(again, 409, "idempotency_key_reused")
    assert OutreachSession.objects.count() == 1


def test_a_malformed_idempotency_key(clerk, ward_a, lang):
    response = send(clerk, "post", OUTREACH_URL, outreach(ward_a), lang, HTTP_IDEMPOTENCY_KEY="")
    error(response, 400, "idempotency_key")


def token(client, password, lang, addr="10.9.9.9"):
    return client.post(
        "/api/v1/auth/token/",
        {"username": "clerk_a", "password": password},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=lang,
        REMOTE_ADDR=addr,
    )


def test_a_wrong_password_and_then_the_lockout(client, clerk_a, lang):
    body = error(token(client, "sai-mat-khau", lang), 400, "bad_credentials")
    assert ("password" in body["detail"]) == (lang == "en")
    for _ in range(5):
        token(client, "sai-mat-khau", lang)
    error(token(client, "demo12345", lang), 403, "locked_out")


def test_too_many_sign_ins_from_one_address(client, clerk_a, settings, lang, one_throttle_window):
    settings.SIGNIN_THROTTLE_PER_MINUTE = 1
    token(client, "sai-mat-khau", lang, addr="10.8.8.8")
    response = token(client, "sai-mat-khau", lang, addr="10.8.8.8")
    error(response, 429, "throttled")
    assert response["Retry-After"]


def test_a_server_error(clerk_a, monkeypatch, lang):
    def fail(self, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(import_api.ImportDetailView, "get", fail)
    client = Client(raise_request_exception=False)
    client.force_login(clerk_a)
    error(get(client, "/api/v1/imports/1/", lang), 500, "server_error")


# The schema ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def statuses(schema, method, path):
    return {code for code in schema["paths"][f"/api/v1/{path}"][method]["responses"]}


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("get", "households/", {"200", "400", "401", "404"}),
        ("get", "households/{id}/", {"200", "401", "404"}),
        ("post", "households/", {"201", "400", "401", "403", "409"}),
        ("patch", "households/{id}/", {"200", "400", "401", "403", "404", "412", "428"}),
        ("put", "households/{id}/", {"200", "400", "401", "403", "404", "412", "428"}),
        ("delete", "households/{id}/", {"204", "400", "401", "403", "404", "412", "428"}),
        ("get", "incidents/", {"200", "400", "401", "403", "404"}),
        ("get", "incidents/{id}/", {"200", "401", "403", "404"}),
        ("get", "wards/{id}/", {"200", "401", "404"}),
        ("post", "auth/token/", {"201", "400", "403", "429"}),
        ("post", "auth/logout/", {"204", "401", "403"}),
        ("get", "users/me/", {"200", "401"}),
        ("post", "periods/close/", {"201", "400", "401", "403"}),
        ("get", "imports/{id}/", {"200", "401", "403", "404"}),
        ("post", "imports/{id}/cancel/", {"200", "401", "403", "404", "409"}),
        ("get", "stats/", {"200", "400", "401", "404"}),
    ],
)
def test_each_operation_declares_only_the_errors_it_can_answer(schema, method, path, expected):
    assert statuses(schema, method, path) == expected


def test_every_error_response_is_the_error_component(schema):
    seen = 0
    for operations in schema["paths"].values():
        for operation in operations.values():
            for code, response in operation.get("responses", {}).items():
                if int(code) >= 400:
                    assert response["content"] == {
                        "application/json": {"schema": {"$ref": ERROR_REF}}
                    }, (operation["operationId"], code)
                    assert response["description"]
                    seen += 1
    assert seen > 100


def test_the_error_component(schema):
    error_schema = schema["components"]["schemas"]["Error"]
    assert set(error_schema["required"]) == {"code", "detail"}
    properties = error_schema["properties"]
    assert properties["code"]["type"] == properties["detail"]["type"] == "string"
    assert properties["fields"]["type"] == "object"
    assert properties["fields"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }
    assert properties["non_field_errors"] == {
        **properties["non_field_errors"],
        "type": "array",
        "items": {"type": "string"},
    }


def test_the_token_errors_have_the_error_body(schema):
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    for code in ("400", "403"):
        assert responses[code]["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}
    assert "locked" in responses["403"]["description"].lower()
