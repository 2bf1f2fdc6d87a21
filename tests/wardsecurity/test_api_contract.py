"""The API contract a client is generated from (issue 16): concurrency headers in the schema and
in behaviour, names that do not change with the language, integer id filters, and the checked-in
``docs/openapi.yaml``.
"""

import io
import json
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate

from households.models import Household
from tests.factories import HouseholdFactory, PeriodReportFactory, ResidentialGroupFactory
from wardsecurity.api.viewsets import WardRecordViewSet
from wardsecurity.filters import IdFilter

API = "/api/v1/"
SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
IDENTIFIER = re.compile(r"^[A-Za-z0-9_]+$")
HEADER_NAME = re.compile(r"^[A-Za-z0-9-]+$")
METHODS = {"get", "post", "put", "patch", "delete"}


def schema_in(language):
    with translation.override(language):
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture(scope="module")
def schemas():
    # JSON round trip: lazy translations become the strings a client downloads.
    return {
        language: json.loads(json.dumps(schema_in(language), default=str))
        for language in ("vi", "en")
    }


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def names(schema):
    """Every name a client generator turns into code."""
    components = schema["components"]["schemas"]
    return {
        "components": set(components),
        "enums": {name for name, body in components.items() if "enum" in body},
        "operations": {operation["operationId"] for _p, _m, operation in operations(schema)},
        "parameters": {
            (operation["operationId"], parameter["in"], parameter["name"])
            for _p, _m, operation in operations(schema)
            for parameter in operation.get("parameters", [])
        },
        "tags": {tag for _p, _m, operation in operations(schema) for tag in operation["tags"]},
    }


def inline_titles(node):
    """Titles of enums and objects that are not components: generators name classes after them
    (openapi-python-client: ``data.title or name``)."""
    if isinstance(node, dict):
        if ("enum" in node or "properties" in node) and "title" in node:
            yield node["title"]
        for value in node.values():
            yield from inline_titles(value)
    elif isinstance(node, list):
        for value in node:
            yield from inline_titles(value)


# Names ---------------------------------------------------------------------------------------


def test_the_schema_names_are_the_same_in_vietnamese_and_english(schemas):
    vietnamese, english = names(schemas["vi"]), names(schemas["en"])
    for kind in vietnamese:
        assert vietnamese[kind] == english[kind], kind
    # The texts do differ: the schema really was generated in two languages.
    assert schemas["vi"]["paths"] != schemas["en"]["paths"]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_name_is_an_identifier(schemas, language):
    found = names(schemas[language])
    for kind in ("components", "enums", "operations"):
        assert [name for name in found[kind] if not IDENTIFIER.match(name)] == [], kind
    # Query and path parameters are identifiers; headers are HTTP's (If-Match, Idempotency-Key).
    for _operation, where, name in found["parameters"]:
        assert (HEADER_NAME if where == "header" else IDENTIFIER).match(name), name
    # Tags name the client's modules: the resource's path, with its hyphens.
    assert [tag for tag in found["tags"] if not HEADER_NAME.match(tag)] == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_class_is_named_after_a_translated_label(schemas, language):
    titles = [
        title
        for name, component in schemas[language]["components"]["schemas"].items()
        for title in inline_titles(component.get("properties", {}))
    ]
    titles += list(inline_titles(schemas[language]["paths"]))
    assert titles == []


def test_generating_the_schema_warns_about_nothing():
    # An enum name two fields would share, an unknown type …: fix the code, or
    # ENUM_NAME_OVERRIDES (drf-spectacular names the clash from a hash otherwise).
    call_command("spectacular", "--lang", "vi", "--fail-on-warn", stdout=io.StringIO())


# Concurrency in the contract -----------------------------------------------------------------


def test_every_write_requires_if_match_and_documents_428(schemas):
    writes = [op for _p, method, op in operations(schemas["en"]) if method in {"put", "patch"}]
    writes += [op for _p, method, op in operations(schemas["en"]) if method == "delete"]
    assert writes
    for operation in writes:
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert headers["If-Match"]["required"] is True, operation["operationId"]
        assert headers["If-Match"]["description"]
        assert {"412", "428"} <= set(operation["responses"]), operation["operationId"]
    # A state change (POST) takes If-Match too, optionally: a stale one is a documented 412.
    optional = [
        op
        for _p, method, op in operations(schemas["en"])
        if method == "post" and any(p["name"] == "If-Match" for p in op.get("parameters", []))
    ]
    assert {op["operationId"] for op in optional} >= {
        "period_reports_submit_create",
        "reporting_consolidated_issue_create",
    }
    for operation in optional:
        assert "412" in operation["responses"], operation["operationId"]


def etag_operations(schema):
    """(operation, status) of every answer with one ward record: read, create, update."""
    from wardsecurity.api.urls import router

    resources = {
        prefix
        for prefix, viewset, _name in router.registry
        if issubclass(viewset, WardRecordViewSet)
    }
    for path, method, operation in operations(schema):
        resource, _, rest = path.removeprefix(API).partition("/")
        if resource not in resources:
            continue
        if rest == "" and method == "post":
            yield operation, "201"
        elif rest == "{id}/" and method in {"get", "put", "patch"}:
            yield operation, "200"


def test_every_answer_with_one_record_declares_its_etag(schemas):
    found = list(etag_operations(schemas["en"]))
    assert len(found) >= 4 * 20  # retrieve, create, update, partial update of every resource
    for operation, status in found:
        header = operation["responses"][status].get("headers", {}).get("ETag")
        assert header is not None, operation["operationId"]
        assert header["required"] is True
        assert re.match(header["schema"]["pattern"], '"12-3"')
    creates = [operation for operation, status in found if status == "201"]
    for operation in creates:
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert headers["Idempotency-Key"]["required"] is False


def test_lists_declare_no_etag(schemas):
    for _path, _method, operation in operations(schemas["en"]):
        if operation["operationId"].endswith("_list"):
            assert "headers" not in operation["responses"]["200"], operation["operationId"]


# Concurrency in behaviour --------------------------------------------------------------------


@pytest.fixture
def household(ward_a):
    return HouseholdFactory(group=ResidentialGroupFactory(ward=ward_a), head_name="Nguyễn Văn An")


def snapshot(obj):
    return type(obj).objects.filter(pk=obj.pk).values().get()


def write(client, method, url, data=None, **headers):
    body = json.dumps(data) if data is not None else None
    return getattr(client, method)(url, body, content_type="application/json", headers=headers)


def full_body(household, **change):
    """A PUT body for ``household``: every writable field."""
    return {
        "group": household.group_id,
        "code": household.code,
        "address": household.address,
        "head_name": household.head_name,
        "member_count": household.member_count,
        **change,
    }


@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_a_write_without_if_match_is_428_and_changes_nothing(client, clerk_a, household, method):
    client.force_login(clerk_a)
    url = f"{API}households/{household.pk}/"
    data = {
        "patch": {"head_name": "Trần Thị Bình"},
        "put": full_body(household, head_name="Trần Thị Bình"),
        "delete": None,
    }[method]
    before = snapshot(household)

    response = write(client, method, url, data)

    assert response.status_code == 428
    assert response.json() == {
        "code": "precondition_required",
        "detail": "Gửi lại ETag bạn đã đọc trong If-Match (hoặc * để ghi đè).",
    }
    assert snapshot(household) == before
    # The same request with the ETag it lacked goes through.
    etag = client.get(url)["ETag"]
    assert write(client, method, url, data, **{"If-Match": etag}).status_code in {200, 204}


def test_the_428_is_in_the_callers_language(client, clerk_a, household):
    client.force_login(clerk_a)
    response = client.delete(f"{API}households/{household.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 428
    assert response.json()["detail"] == "Send the ETag you read in If-Match (or * to overwrite)."
    assert Household.objects.filter(pk=household.pk).exists()


def test_star_writes_whatever_the_version(client, clerk_a, household):
    client.force_login(clerk_a)
    url = f"{API}households/{household.pk}/"
    Household.objects.filter(pk=household.pk).update(head_name="Lê Văn Cường")  # version 2

    response = write(client, "patch", url, {"head_name": "Trần Thị Bình"}, **{"If-Match": "*"})

    assert response.status_code == 200
    household.refresh_from_db()
    assert household.head_name == "Trần Thị Bình"
    assert response["ETag"] == f'"{household.pk}-{household.version}"'
    assert write(client, "delete", url, **{"If-Match": " * "}).status_code == 204
    assert not Household.objects.filter(pk=household.pk).exists()


def test_a_stale_etag_is_412_and_the_read_one_writes(client, clerk_a, household):
    client.force_login(clerk_a)
    url = f"{API}households/{household.pk}/"
    read = client.get(url)["ETag"]
    changed = write(client, "patch", url, {"head_name": "Trần Thị Bình"}, **{"If-Match": read})
    assert changed.status_code == 200
    before = snapshot(household)

    stale = write(client, "patch", url, {"head_name": "Lê Văn Cường"}, **{"If-Match": read})
    assert stale.status_code == 412
    assert write(client, "delete", url, **{"If-Match": read}).status_code == 412
    assert snapshot(household) == before

    assert write(client, "delete", url, **{"If-Match": changed["ETag"]}).status_code == 204


def test_a_period_report_write_needs_if_match_too(client, officer_a, ward_a):
    report = PeriodReportFactory(ward=ward_a)
    client.force_login(officer_a)
    url = f"{API}period-reports/{report.pk}/"
    before = snapshot(report)

    response = write(client, "patch", url, {"proposals": "Đề nghị hỗ trợ kinh phí."})
    assert response.status_code == 428
    assert client.delete(url).status_code == 428
    assert snapshot(report) == before

    etag = client.get(url)["ETag"]
    patched = write(client, "patch", url, {"proposals": "Đề nghị."}, **{"If-Match": etag})
    assert patched.status_code == 200
    assert patched.json()["proposals"] == "Đề nghị."


# Integer id filters --------------------------------------------------------------------------


def test_no_query_parameter_is_a_float(schemas):
    floats = [
        (operation["operationId"], parameter["name"])
        for _p, _m, operation in operations(schemas["en"])
        for parameter in operation.get("parameters", [])
        if parameter.get("schema", {}).get("type") == "number"
    ]
    assert floats == []


def test_every_id_filter_is_an_integer_in_the_schema(schemas):
    from wardsecurity.api.urls import router

    checked = 0
    by_operation = {
        operation["operationId"]: operation for _p, _m, operation in operations(schemas["en"])
    }
    for prefix, viewset, _basename in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        if filterset is None:
            continue
        listing = by_operation[f"{prefix.replace('-', '_')}_list"]
        parameters = {p["name"]: p["schema"] for p in listing["parameters"]}
        for name, declared in filterset.base_filters.items():
            if isinstance(declared, IdFilter):
                assert parameters[name]["type"] == "integer", (prefix, name)
                checked += 1
    assert checked >= 40  # ward on every ward resource, and the links


ID_MESSAGE_VI = "Nhập id của một bản ghi: số nguyên từ 1 trở lên, viết bằng các chữ số 0-9."


@pytest.mark.parametrize("value", ["1.5", "abc", "１", "-1", "+1", "0", "1e3", "9" * 20])
@pytest.mark.parametrize(
    "query",
    ["households/?group=", "commitments/?group=", "video-extractions/?camera=", "groups/?ward="],
)
def test_a_non_integer_id_filter_is_400(client, officer_a, household, query, value):
    client.force_login(officer_a)
    path, _, name = query.rstrip("=").partition("?")
    response = client.get(f"{API}{path}", {name: value})
    assert response.status_code == 400
    # The parameter is named, with the message in the user's language.
    assert response.json()["fields"][name] == [ID_MESSAGE_VI]


def test_an_integer_id_filter_filters(client, officer_a, household):
    HouseholdFactory(group=ResidentialGroupFactory(ward=household.group.ward))
    client.force_login(officer_a)
    for value in (household.group_id, f" {household.group_id} "):
        response = client.get(f"{API}households/?group={value}")
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [household.pk]


# The schema as a file ------------------------------------------------------------------------


def test_docs_openapi_yaml_is_the_schema_the_code_generates(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--lang", "vi", "--file", str(generated))
    assert SCHEMA_FILE.exists(), "docs/openapi.yaml is missing: run make schema"
    assert generated.read_text() == SCHEMA_FILE.read_text(), (
        "docs/openapi.yaml is stale: run make schema and commit it"
    )


def test_docs_openapi_yaml_is_valid_openapi():
    validate(yaml.safe_load(SCHEMA_FILE.read_text()))
