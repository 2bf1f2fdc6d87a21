"""The households API (SPEC §8): CRUD with ETags (G7), scope (G3), no mass assignment (G5),
bad input (G12), a fixed number of queries per list, search, filters and the territory.
"""

import json
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import Household, Organisation, ResidentialGroup
from tests.factories import (
    HouseholdFactory,
    OrganisationFactory,
    ResidentialGroupFactory,
    WardClusterFactory,
)

API = "/api/v1/"


@pytest.fixture
def api(client, clerk_a):
    client.force_login(clerk_a)
    return client


@pytest.fixture
def group_a(ward_a):
    return ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 1")


@pytest.fixture
def group_b(ward_b):
    return ResidentialGroupFactory(ward=ward_b, name="Tổ dân phố 1")


@pytest.fixture
def household(group_a):
    return HouseholdFactory(
        group=group_a,
        code="HK001",
        address="12 Lê Lợi",
        head_name="Nguyễn Văn An",
        member_count=4,
        phone="0912345678",
    )


def rows(response):
    body = response.json()
    return body["results"] if isinstance(body, dict) and "results" in body else body


def send(client, method, url, data=None, **extra):
    """A request with a JSON body (``data`` may be raw bytes/str, sent as is).

    A PUT, PATCH or DELETE sends the ETag a GET of ``url`` reads first, as a client does (the API
    requires If-Match), unless the test gives its own; ``HTTP_IF_MATCH=None`` sends none."""
    if method in {"put", "patch", "delete"} and "HTTP_IF_MATCH" not in extra:
        extra["HTTP_IF_MATCH"] = client.get(url).headers.get("ETag")
    if extra.get("HTTP_IF_MATCH", "") is None:
        del extra["HTTP_IF_MATCH"]
    if data is not None and not isinstance(data, bytes | str):
        data = json.dumps(data)
    return getattr(client, method)(url, data, content_type="application/json", **extra)


def snapshot(obj):
    """Every column of ``obj`` as stored now (to prove a refused write changed nothing)."""
    return type(obj).objects.filter(pk=obj.pk).values().get()


# Resources with ETags: (prefix, how to make one in ward A, a valid change, a valid create)
RESOURCES = {
    "households": (
        lambda ward: HouseholdFactory(group=ResidentialGroupFactory(ward=ward)),
        {"head_name": "Trần Thị Bình"},
        lambda ward: {
            "group": ResidentialGroupFactory(ward=ward).pk,
            "code": "HK900",
            "address": "9 Trần Phú",
            "head_name": "Lê Văn Cường",
            "member_count": 3,
        },
    ),
    "groups": (
        lambda ward: ResidentialGroupFactory(ward=ward),
        {"name": "Tổ dân phố mới"},
        lambda ward: {"ward": ward.pk, "name": "Thôn Đông", "kind": "thon"},
    ),
    "organisations": (
        lambda ward: OrganisationFactory(ward=ward),
        {"name": "Trường THCS Lê Lợi"},
        lambda ward: {"ward": ward.pk, "name": "Chợ phường", "kind": "market"},
    ),
}
MODELS = {"households": Household, "groups": ResidentialGroup, "organisations": Organisation}


# CRUD and ETags (G7) ------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", RESOURCES)
def test_crud_with_etags(api, ward_a, prefix):
    _make, change, create = RESOURCES[prefix]
    model = MODELS[prefix]

    response = send(api, "post", f"{API}{prefix}/", create(ward_a))
    assert response.status_code == 201, response.content
    body = response.json()
    pk = body["id"]
    assert body["version"] == 1
    assert body["ward"] == ward_a.pk
    assert response.headers["ETag"] == f'"{pk}-1"'
    url = f"{API}{prefix}/{pk}/"

    assert pk in [row["id"] for row in rows(api.get(f"{API}{prefix}/"))]
    response = api.get(url)
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{pk}-1"'

    response = send(api, "patch", url, change, HTTP_IF_MATCH=f'"{pk}-1"')
    assert response.status_code == 200, response.content
    assert response.headers["ETag"] == f'"{pk}-2"'
    field, value = next(iter(change.items()))
    assert response.json()[field] == value
    assert getattr(model.objects.get(pk=pk), field) == value

    full = {**create(ward_a), **change}
    response = send(api, "put", url, full, HTTP_IF_MATCH=f'"{pk}-2"')
    assert response.status_code == 200, response.content
    assert response.headers["ETag"] == f'"{pk}-3"'

    response = api.delete(url, HTTP_IF_MATCH=f'"{pk}-2"')
    assert response.status_code == 412
    assert model.objects.filter(pk=pk).exists()
    response = api.delete(url, HTTP_IF_MATCH=f'"{pk}-3"')
    assert response.status_code == 204
    assert not model.objects.filter(pk=pk).exists()
    assert api.get(url).status_code == 404


@pytest.mark.parametrize("prefix", RESOURCES)
def test_a_stale_if_match_answers_412_and_changes_nothing(api, ward_a, prefix):
    make, change, _create = RESOURCES[prefix]
    obj = make(ward_a)
    url = f"{API}{prefix}/{obj.pk}/"
    old_etag = api.get(url).headers["ETag"]

    first = send(api, "patch", url, change, HTTP_IF_MATCH=old_etag)
    assert first.status_code == 200
    new_etag = first.headers["ETag"]
    assert new_etag != old_etag
    before = snapshot(obj)

    field = next(iter(change))
    response = send(api, "patch", url, {field: "Giá trị khác"}, HTTP_IF_MATCH=old_etag)

    assert response.status_code == 412
    assert response.json()["code"] == "stale"
    assert response.json()["detail"]
    assert snapshot(obj) == before
    # The new ETag still works.
    response = send(api, "patch", url, {field: "Giá trị khác"}, HTTP_IF_MATCH=new_etag)
    assert response.status_code == 200


@pytest.mark.parametrize("prefix", RESOURCES)
@pytest.mark.parametrize(
    ("if_match", "expected"),
    [
        (None, 428),  # missing: refused, the client must say which version it changes
        ("*", 200),
        (" * ", 200),
        ("CURRENT", 200),
        ('"nope", CURRENT', 200),  # a list naming the current version
        ("W/CURRENT", 412),  # weak tags never match
        ('"0-0"', 412),
        ("garbage", 412),
        ("", 412),
    ],
    ids=["missing", "star", "star-spaces", "current", "list", "weak", "other", "garbage", "empty"],
)
def test_if_match_variants(api, ward_a, prefix, if_match, expected):
    make, change, _create = RESOURCES[prefix]
    obj = make(ward_a)
    url = f"{API}{prefix}/{obj.pk}/"
    current = api.get(url).headers["ETag"]
    headers = {"HTTP_IF_MATCH": None if if_match is None else if_match.replace("CURRENT", current)}
    before = snapshot(obj)

    response = send(api, "patch", url, change, **headers)

    assert response.status_code == expected, response.content
    if expected in {412, 428}:
        assert snapshot(obj) == before
    else:
        assert snapshot(obj)["version"] == before["version"] + 1


def test_a_delete_with_a_weak_etag_is_refused(api, household):
    url = f"{API}households/{household.pk}/"
    etag = api.get(url).headers["ETag"]
    assert api.delete(url, HTTP_IF_MATCH=f"W/{etag}").status_code == 412
    assert Household.objects.filter(pk=household.pk).exists()


# Scope (G2, G3) ------------------------------------------------------------------------------


def test_patching_a_household_into_another_wards_group_gives_the_same_error_as_a_missing_id(
    api, household, group_b
):
    url = f"{API}households/{household.pk}/"
    before = snapshot(household)
    missing_id = ResidentialGroup.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000

    other_ward = send(api, "patch", url, {"group": group_b.pk})
    missing = send(api, "patch", url, {"group": missing_id})

    assert other_ward.status_code == 400
    assert missing.status_code == 400
    assert other_ward.json() == missing.json()
    assert list(other_ward.json()["fields"]) == ["group"]
    assert snapshot(household) == before


def test_an_administrator_cannot_link_a_household_to_another_wards_group(
    client, admin_user, household, group_b
):
    client.force_login(admin_user)
    before = snapshot(household)
    response = send(client, "patch", f"{API}households/{household.pk}/", {"group": group_b.pk})
    assert response.status_code == 400
    assert "group" in response.json()["fields"]
    assert snapshot(household) == before


def test_posting_a_household_into_another_wards_group_writes_nothing(api, group_b):
    data = {
        "group": group_b.pk,
        "code": "HK777",
        "address": "1",
        "head_name": "A",
        "member_count": 1,
    }
    response = send(api, "post", f"{API}households/", data)
    assert response.status_code == 400
    assert "group" in response.json()["fields"]
    assert not Household.objects.exists()


def test_an_organisation_cannot_be_moved_to_another_ward(client, api, admin_user, ward_a, ward_b):
    organisation = OrganisationFactory(ward=ward_a)
    url = f"{API}organisations/{organisation.pk}/"
    before = snapshot(organisation)
    assert send(api, "patch", url, {"ward": ward_b.pk}).status_code == 400
    assert snapshot(organisation) == before

    client.force_login(admin_user)
    response = send(client, "patch", url, {"ward": ward_b.pk})
    assert response.status_code == 400
    assert "ward" in response.json()["fields"]
    assert snapshot(organisation) == before


def test_a_group_cannot_be_created_in_another_ward(api, ward_b):
    response = send(api, "post", f"{API}groups/", {"ward": ward_b.pk, "name": "X", "kind": "thon"})
    assert response.status_code in {400, 404}
    assert not ResidentialGroup.objects.filter(ward=ward_b).exists()


@pytest.mark.parametrize("param", ["ward", "ward_code"])
def test_filtering_on_another_ward_gives_an_empty_list(api, household, group_b, ward_b, param):
    HouseholdFactory(group=group_b)
    value = ward_b.pk if param == "ward" else ward_b.code
    response = api.get(f"{API}households/?{param}={value}")
    assert response.status_code == 200
    assert rows(response) == []
    assert response.json()["count"] == 0
    # Own ward: only its households.
    own = api.get(f"{API}households/")
    assert [row["id"] for row in rows(own)] == [household.pk]


@pytest.mark.parametrize("prefix", RESOURCES)
def test_another_wards_record_answers_404_and_is_not_changed(api, ward_b, prefix):
    make, change, _create = RESOURCES[prefix]
    obj = make(ward_b)
    url = f"{API}{prefix}/{obj.pk}/"
    before = snapshot(obj)
    assert api.get(url).status_code == 404
    assert send(api, "patch", url, change).status_code == 404
    assert send(api, "put", url, change).status_code == 404
    assert api.delete(url).status_code == 404
    assert snapshot(obj) == before


def test_a_steering_viewer_cannot_write(client, viewer_province, household):
    client.force_login(viewer_province)
    url = f"{API}households/{household.pk}/"
    before = snapshot(household)
    assert api_status(client, "get", url) == 200
    assert api_status(client, "patch", url, {"head_name": "X"}) == 403
    assert api_status(client, "put", url, {"head_name": "X"}) == 403
    assert api_status(client, "delete", url) == 403
    data = {
        "group": household.group_id,
        "code": "N1",
        "address": "1",
        "head_name": "A",
        "member_count": 1,
    }
    assert api_status(client, "post", f"{API}households/", data) == 403
    assert snapshot(household) == before
    assert Household.objects.count() == 1


def api_status(client, method, url, data=None):
    if method in {"get", "delete"}:
        return getattr(client, method)(url).status_code
    return send(client, method, url, data).status_code


# No mass assignment (G5) ---------------------------------------------------------------------


READ_ONLY_VALUES = {
    "id": 999999,
    "version": 42,
    "created_at": "2020-01-01T00:00:00+07:00",
    "updated_at": "2020-01-01T00:00:00+07:00",
}


@pytest.mark.parametrize("field", [*READ_ONLY_VALUES, "ward"])
def test_a_household_write_naming_a_read_only_field_is_refused(api, household, field):
    # Even the current value is refused: a read-only field never belongs in a write.
    value = household.ward_id if field == "ward" else READ_ONLY_VALUES[field]
    url = f"{API}households/{household.pk}/"
    before = snapshot(household)

    for method in ("patch", "put"):
        data = {"head_name": "Trần Văn Mới", field: value}
        if method == "put":
            data |= {
                "group": household.group_id,
                "code": "HK001",
                "address": "1",
                "member_count": 2,
            }
        response = send(api, method, url, data)
        assert response.status_code == 400, (method, response.content)
        assert field in response.json()["fields"]
        assert snapshot(household) == before

    create = {
        "group": household.group_id,
        "code": "HK002",
        "address": "1",
        "head_name": "A",
        "member_count": 2,
        field: value,
    }
    response = send(api, "post", f"{API}households/", create)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert Household.objects.count() == 1


@pytest.mark.parametrize("prefix", RESOURCES)
@pytest.mark.parametrize("field", [*READ_ONLY_VALUES, "is_superuser", "ward_id", "group_id", "pk"])
def test_a_write_naming_an_unknown_or_read_only_field_is_refused(api, ward_a, prefix, field):
    make, change, create = RESOURCES[prefix]
    obj = make(ward_a)
    before = snapshot(obj)
    value = READ_ONLY_VALUES.get(field, 1)

    response = send(api, "patch", f"{API}{prefix}/{obj.pk}/", {**change, field: value})

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert snapshot(obj) == before
    count = MODELS[prefix].objects.count()
    response = send(api, "post", f"{API}{prefix}/", {**create(ward_a), field: value})
    assert response.status_code == 400
    assert MODELS[prefix].objects.count() == count


# Bad input (G12) -----------------------------------------------------------------------------

# (field, value, outcome): "ok" = accepted and stored as the equivalent value, "400" = refused.
# A string of ASCII digits is accepted for integers and ids (as every JSON client may send it);
# everything else that is not the field's own type is refused, never coerced.
TYPE_CONFUSION = [
    ("member_count", "1", 1),
    ("member_count", [1], 400),
    ("member_count", {"id": 1}, 400),
    ("member_count", "1e309", 400),
    ("member_count", True, 400),
    ("member_count", None, 400),
    ("member_count", 1.5, 400),
    ("member_count", "１２", 400),  # full-width digits
    ("member_count", "١٢", 400),  # Arabic-Indic digits
    ("member_count", "1.000", 400),
    ("member_count", 0, 400),
    ("member_count", -1, 400),
    ("member_count", 10**20, 400),
    ("member_count", "", 400),
    ("code", "1", "1"),
    ("code", [1], 400),
    ("code", {"id": 1}, 400),
    ("code", "1e309", 400),
    ("code", True, 400),
    ("code", None, 400),
    ("code", "ＨＫ１２", 400),  # full-width letters and digits
    ("head_name", "1", "1"),
    ("head_name", [1], 400),
    ("head_name", {"id": 1}, 400),
    ("head_name", "1e309", 400),
    ("head_name", True, 400),
    ("head_name", None, 400),
    ("head_name", "", 400),
    ("group", "GROUP", "GROUP"),  # the group's own id as a string
    ("group", [1], 400),
    ("group", {"id": 1}, 400),
    ("group", "1e309", 400),
    ("group", True, 400),
    ("group", None, 400),
    ("group", "１", 400),
]


def raw_json(field, value):
    """A body with ``value`` as JSON; the string "1e309" stands for the bare number 1e309."""
    if value == "1e309":
        return '{"' + field + '": 1e309}'
    return json.dumps({field: value})


@pytest.mark.parametrize(("field", "value", "outcome"), TYPE_CONFUSION)
def test_type_confusion(api, household, field, value, outcome):
    if value == "GROUP":
        value = str(household.group_id)
        outcome = household.group_id
    url = f"{API}households/{household.pk}/"
    before = snapshot(household)

    response = send(api, "patch", url, raw_json(field, value))

    if outcome == 400:
        assert response.status_code == 400, response.content
        assert response.headers["Content-Type"] == "application/json"
        body = response.json()["fields"]
        assert list(body) == [field]
        assert all(isinstance(m, str) and m for m in body[field])
        assert snapshot(household) == before
    else:
        assert response.status_code == 200, response.content
        stored = snapshot(household)
        assert stored["group_id" if field == "group" else field] == outcome


@pytest.mark.parametrize(("field", "value", "outcome"), TYPE_CONFUSION)
def test_type_confusion_on_create(api, group_a, field, value, outcome):
    if value == "GROUP":
        value = str(group_a.pk)
    data = {"group": group_a.pk, "code": "HK1", "address": "1", "head_name": "A", "member_count": 1}
    data.pop(field)
    raw = json.dumps(data)[:-1] + ", " + raw_json(field, value)[1:]

    response = send(api, "post", f"{API}households/", raw)

    if outcome == 400:
        assert response.status_code == 400, response.content
        assert field in response.json()["fields"]
        assert not Household.objects.exists()
    else:
        assert response.status_code == 201, response.content
        assert Household.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("duplicate-keys", b'{"code": "A", "code": "B"}'),
        ("duplicate-nested", b'{"head_name": "A", "x": {"a": 1, "a": 2}}'),
        ("list", b'[{"head_name": "X"}]'),
        ("string", b'"head_name"'),
        ("number", b"42"),
        ("null", b"null"),
        ("nan", b'{"member_count": NaN}'),
        ("infinity", b'{"member_count": Infinity}'),
        ("minus-infinity", b'{"member_count": -Infinity}'),
        ("truncated", b'{"head_name": "X"'),
        ("not-utf8", '{"head_name": "Nguyên"}'.encode("cp1258")),
        ("latin1", b'{"head_name": "\xe9"}'),
        ("bom", b'\xef\xbb\xbf{"head_name": "X"}'),
        ("deep-lists", b"[" * 100_000 + b"]" * 100_000),
        ("deep-objects", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
        ("deep-unclosed", b"[" * 100_000),
        ("many-keys", json.dumps({f"k{i}": i for i in range(50_000)}).encode()),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_malformed_bodies_answer_400_and_change_nothing(api, household, name, body):
    url = f"{API}households/{household.pk}/"
    before = snapshot(household)

    for method in ("patch", "put"):
        response = send(api, method, url, body)
        assert response.status_code == 400, (method, response.content[:300])
        assert response.headers["Content-Type"] == "application/json"
        assert response.json()
        assert snapshot(household) == before

    response = send(api, "post", f"{API}households/", body)
    assert response.status_code == 400, response.content[:300]
    assert Household.objects.count() == 1


FIVE_MB = json.dumps({"head_name": "x" * (5 * 1024 * 1024)})


def test_a_5mb_body_answers_400_and_changes_nothing(api, household):
    url = f"{API}households/{household.pk}/"
    before = snapshot(household)
    assert send(api, "patch", url, FIVE_MB).status_code == 400
    assert send(api, "post", f"{API}households/", FIVE_MB).status_code == 400
    assert snapshot(household) == before
    assert Household.objects.count() == 1


def test_a_5mb_body_answers_json(api, household):
    """SPEC §8 "Errors are JSON": a 5 MB body gets Django's HTML "Bad Request (400)" page.

    DRF 3.18's Request._parse reads ``request.body``, which raises RequestDataTooBig above
    DATA_UPLOAD_MAX_MEMORY_SIZE before wardsecurity/api/parsers.py StrictJSONParser (whose
    size check would answer JSON) is reached.
    """
    response = send(api, "patch", f"{API}households/{household.pk}/", FIVE_MB)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_form_encoded_body_is_refused_not_parsed(api, household):
    before = snapshot(household)
    response = api.patch(
        f"{API}households/{household.pk}/",
        "head_name=X",
        content_type="application/x-www-form-urlencoded",
        HTTP_IF_MATCH=f'"{household.pk}-{household.version}"',
    )
    assert response.status_code == 415
    assert snapshot(household) == before


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("Nguyễn\x00Văn", False),
        ("\x00", False),
        ("Nguyễn\u200bVăn", False),  # zero-width space
        ("\u202eevil", False),  # right-to-left override
        ("A" * 300, False),
        ("A" * 151, False),
        ("A" * 150, True),
        ("   ", False),
        ("Nguyễn Văn 🙂", True),
    ],
    ids=["nul", "only-nul", "zero-width", "rtl", "300", "151", "150", "blank", "emoji"],
)
def test_bad_text_in_head_name(api, household, value, ok):
    url = f"{API}households/{household.pk}/"
    before = snapshot(household)
    response = send(api, "patch", url, {"head_name": value})
    if ok:
        assert response.status_code == 200, response.content
        assert snapshot(household)["head_name"] == value.strip()
    else:
        assert response.status_code == 400, response.content
        assert list(response.json()["fields"]) == ["head_name"]
        assert snapshot(household) == before


@pytest.mark.parametrize("field", ["code", "address", "phone"])
def test_a_nul_byte_in_any_text_field_answers_400(api, household, field):
    before = snapshot(household)
    response = send(api, "patch", f"{API}households/{household.pk}/", {field: "A\x00B"})
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert snapshot(household) == before


def test_nfd_input_is_stored_as_nfc(api, household):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hòa")
    response = send(api, "patch", f"{API}households/{household.pk}/", {"head_name": nfd})
    assert response.status_code == 200
    assert snapshot(household)["head_name"] == unicodedata.normalize("NFC", nfd)


@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "{{7*7}}", "<script>x</script>"])
def test_markup_is_stored_verbatim_and_returned_as_json_text(api, household, text):
    url = f"{API}households/{household.pk}/"
    response = send(api, "patch", url, {"head_name": text})
    assert response.status_code == 200, response.content
    assert snapshot(household)["head_name"] == text

    # Even a browser asking for HTML gets JSON: no HTML rendering anywhere in the API.
    response = api.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["head_name"] == text
    assert "text/html" not in response.headers["Content-Type"]
    listed = api.get(f"{API}households/", HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert listed.headers["Content-Type"] == "application/json"
    assert rows(listed)[0]["head_name"] == text


def test_a_browsable_format_is_not_offered(api, household):
    response = api.get(f"{API}households/?format=api")
    assert response.status_code == 404
    response = api.get(f"{API}households/", HTTP_ACCEPT="text/html")
    assert response.status_code in {200, 406}
    assert "text/html" not in response.headers["Content-Type"]


# Pagination and ordering ---------------------------------------------------------------------


def bulk_households(group, count, **values):
    Household.objects.bulk_create(
        Household(
            group=group,
            ward_id=group.ward_id,
            code=f"B{i:05d}",
            address=f"{i} Lê Lợi",
            head_name=f"Hộ {i}",
            member_count=1,
            **values,
        )
        for i in range(count)
    )


def test_page_size_is_capped_at_500(api, group_a):
    bulk_households(group_a, 501)

    response = api.get(f"{API}households/?page_size=100000")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 501
    assert len(body["results"]) == 500
    assert body["next"] is not None
    default = api.get(f"{API}households/").json()
    assert len(default["results"]) == 50


@pytest.mark.parametrize(
    "query", ["page=-1", "page=0", "page=abc", "page=99999", "page=1e309", "page=%00"]
)
def test_an_invalid_page_answers_404_not_500(api, household, query):
    response = api.get(f"{API}households/?{query}")
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("query", ["page_size=-1", "page_size=0", "page_size=abc", "page_size=1e9"])
def test_an_invalid_page_size_is_a_clear_400(api, household, query):
    response = api.get(f"{API}households/?{query}")
    assert response.status_code == 400
    assert response.json()["fields"]["page_size"]


@pytest.mark.parametrize(
    "field", ["phone", "-phone", "address", "ward__name", "group__ward__code", "password"]
)
def test_ordering_on_a_field_not_offered_is_ignored(api, group_a, field):
    # ids ascend while phones and addresses descend: ordering by phone would reverse the list.
    for i in range(3):
        HouseholdFactory(group=group_a, phone=f"09{9 - i}", address=f"{9 - i} Phố", code=f"HK{i}")

    response = api.get(f"{API}households/?ordering={field}")

    assert response.status_code == 200
    ids = [row["id"] for row in rows(response)]
    assert ids == sorted(ids, reverse=True)  # the default, -id


@pytest.mark.parametrize(("ordering", "reverse"), [("code", False), ("-code", True)])
def test_ordering_by_code(api, group_a, ordering, reverse):
    for code in ("HK3", "HK1", "HK2"):
        HouseholdFactory(group=group_a, code=code)
    response = api.get(f"{API}households/?ordering={ordering}")
    codes = [row["code"] for row in rows(response)]
    assert codes == sorted(codes, reverse=reverse)
    assert len(codes) == 3


# Languages -----------------------------------------------------------------------------------


def error_text(response, field):
    body = response.json()
    value = body[field] if field == "detail" else body["fields"][field]
    return value[0] if isinstance(value, list) else value


def test_errors_are_in_vietnamese_by_default_and_english_on_request(api, household):
    url = f"{API}households/{household.pk}/"

    vi = send(api, "patch", url, {"nickname": "X"})
    en = send(api, "patch", url, {"nickname": "X"}, HTTP_ACCEPT_LANGUAGE="en")

    assert vi.status_code == en.status_code == 400
    assert error_text(vi, "nickname") == "Trường này không tồn tại hoặc không được phép thay đổi."
    assert error_text(en, "nickname") == "This field does not exist or cannot be changed."
    assert vi.headers["Content-Language"] == "vi"
    assert en.headers["Content-Language"] == "en"


# Each bad request's first message, asked for in Vietnamese (the default) and in English, must
# differ: the Vietnamese one is a translation, not the English text.
TRANSLATED = [
    ("unknown-field", "patch", {"nickname": "X"}, "nickname"),
    ("full-width-digits", "patch", {"member_count": "１２"}, "member_count"),
    ("other-ward-group", "patch", {"group": 10**9}, "group"),
    ("null", "patch", {"head_name": None}, "head_name"),
    ("too-long", "patch", {"head_name": "A" * 300}, "head_name"),
    ("nul-byte", "patch", {"head_name": "A\x00"}, "head_name"),
    ("too-few-members", "patch", {"member_count": 0}, "member_count"),
    ("required", "post", {"code": "X"}, "group"),
    ("duplicate-keys", "patch", b'{"code": "A", "code": "B"}', "detail"),
    ("not-json", "patch", b"{", "detail"),
    ("too-deep", "patch", b"[" * 100_000, "detail"),
    ("stale", "patch-stale", {"head_name": "B"}, "detail"),
    ("invalid-page", "get", "?page=-1", "detail"),
    ("not-found", "get", "999999999/", "detail"),
]


@pytest.mark.parametrize(
    ("case", "method", "data", "field"), TRANSLATED, ids=[row[0] for row in TRANSLATED]
)
def test_every_api_error_is_translated_to_vietnamese(api, household, case, method, data, field):
    url = f"{API}households/{household.pk}/"

    def call(**headers):
        if method == "get":
            base = f"{API}households/"
            return api.get(base + data, **headers)
        if method == "post":
            return send(api, "post", f"{API}households/", data, **headers)
        if method == "patch-stale":
            return send(api, "patch", url, data, HTTP_IF_MATCH='"0-0"', **headers)
        return send(api, "patch", url, data, **headers)

    vi = call()
    en = call(HTTP_ACCEPT_LANGUAGE="en")

    assert vi.status_code == en.status_code
    assert 400 <= vi.status_code < 500
    assert error_text(vi, field) != error_text(en, field), error_text(vi, field)


def test_authentication_errors_are_translated_to_vietnamese(client, db):
    vi = client.get(f"{API}households/")
    en = client.get(f"{API}households/", HTTP_ACCEPT_LANGUAGE="en")
    assert vi.status_code == en.status_code == 401
    assert vi.json()["detail"] != en.json()["detail"]


# Query count ---------------------------------------------------------------------------------


def test_the_household_list_costs_the_same_queries_for_3_and_30_rows(
    api, group_a, ward_a, django_assert_num_queries
):
    # Expected queries:
    #   1. the session (django_session)
    #   2. the signed-in user (wardsecurity_user)
    #   3. COUNT(*) of the visible households (pagination)
    #   4. the page of households (ward and group as ids: no join, no query per row)
    for _ in range(3):
        HouseholdFactory(group=group_a)
    with django_assert_num_queries(4):
        response = api.get(f"{API}households/")
    assert len(rows(response)) == 3

    other_group = ResidentialGroupFactory(ward=ward_a)
    for i in range(27):
        HouseholdFactory(group=group_a if i % 2 else other_group)
    with django_assert_num_queries(4):
        response = api.get(f"{API}households/")
    assert len(rows(response)) == 30


def test_the_group_and_organisation_lists_cost_a_fixed_number_of_queries(api, ward_a):
    for _ in range(3):
        OrganisationFactory(ward=ward_a, group=ResidentialGroupFactory(ward=ward_a))
    small = {prefix: list_count(api, prefix) for prefix in ("groups", "organisations")}
    for _ in range(20):
        OrganisationFactory(ward=ward_a, group=ResidentialGroupFactory(ward=ward_a))
    large = {prefix: list_count(api, prefix) for prefix in ("groups", "organisations")}
    assert small == large


def list_count(api, prefix):
    with CaptureQueriesContext(connection) as queries:
        assert api.get(f"{API}{prefix}/").status_code == 200
    return len(queries)


# Search and filters --------------------------------------------------------------------------


@pytest.fixture
def named(group_a):
    return {
        "an": HouseholdFactory(group=group_a, head_name="Nguyễn Văn An", code="HK001"),
        "binh": HouseholdFactory(group=group_a, head_name="Trần Thị Bình", code="HK002"),
        "dung": HouseholdFactory(
            group=group_a, head_name="Lê Đức Dũng", code="HK003", address="5 Nguyễn Trãi"
        ),
    }


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("nguyen van", {"an"}),
        ("Nguyễn Văn", {"an"}),
        ("NGUYEN VAN", {"an"}),
        ("van an", {"an"}),
        ("nguyen", {"an", "dung"}),  # the address matches too
        ("tran thi binh", {"binh"}),
        ("hk002", {"binh"}),
        ("nguyen binh", set()),  # every word must match
        ("   ", {"an", "binh", "dung"}),
        ("%", set()),
        ("_", set()),
        ("\\", set()),
        ("'; DROP TABLE x; --", set()),
    ],
)
def test_search_is_accent_and_case_insensitive(api, named, search, expected):
    response = api.get(f"{API}households/", {"search": search})
    assert response.status_code == 200
    found = {row["id"] for row in rows(response)}
    assert found == {named[key].pk for key in expected}


def test_search_folds_d_with_stroke(api, named):
    response = api.get(f"{API}households/", {"search": "duc dung"})
    assert {row["id"] for row in rows(response)} == {named["dung"].pk}


def test_filter_by_group(api, group_a, ward_a):
    other = ResidentialGroupFactory(ward=ward_a)
    mine = [HouseholdFactory(group=group_a) for _ in range(2)]
    HouseholdFactory(group=other)
    response = api.get(f"{API}households/?group={group_a.pk}")
    assert response.status_code == 200
    assert {row["id"] for row in rows(response)} == {h.pk for h in mine}


@pytest.mark.parametrize("prefix", ["households", "organisations"])
def test_filtering_on_another_wards_group_does_not_reveal_that_it_exists(
    api, household, group_b, prefix
):
    """G3/G2: "the error text is the same whether the other record exists or not".

    At ec1d47a, households/filtersets.py declared ``group`` through Meta.fields, so
    django-filter built a ModelChoiceFilter over ResidentialGroup.objects.all(): another
    ward's group id answered 200 with an empty list, a missing id 400 "Select a valid
    choice" - an oracle for which ids exist in other wards.
    """
    HouseholdFactory(group=group_b)
    OrganisationFactory(ward=group_b.ward, group=group_b)
    missing_id = ResidentialGroup.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000

    other_ward = api.get(f"{API}{prefix}/?group={group_b.pk}")
    missing = api.get(f"{API}{prefix}/?group={missing_id}")

    assert other_ward.status_code == missing.status_code == 200
    assert rows(other_ward) == rows(missing) == []
    assert other_ward.json() == missing.json()


@pytest.mark.parametrize(
    "query",
    [
        "group=abc",
        "group=1e309",
        "group=-1",
        "ward=abc",
        "ward=99999999999999999999999",
        "ward=%00",
        "group=1.5",  # not rounded to group 1
        "group=%EF%BC%91",  # a full-width 1
        "group=0",
    ],
)
def test_malformed_id_filters_answer_400_never_500(api, household, query):
    # Ids are ASCII digits from 1 (wardsecurity.filters.IdFilter): anything else is named.
    response = api.get(f"{API}households/?{query}")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert query.partition("=")[0] in response.json()["fields"]


def test_an_unreadable_boolean_filter_is_refused_or_ignored_never_500(api, household):
    response = api.get(f"{API}households/?active=maybe")
    assert response.status_code in {200, 400}
    if response.status_code == 200:
        assert [row["id"] for row in rows(response)] == [household.pk]


def test_filter_by_residence_and_active(api, group_a):
    temporary = HouseholdFactory(group=group_a, residence="temporary")
    gone = HouseholdFactory(group=group_a, active=False)
    HouseholdFactory(group=group_a)
    assert [r["id"] for r in rows(api.get(f"{API}households/?residence=temporary"))] == [
        temporary.pk
    ]
    assert [r["id"] for r in rows(api.get(f"{API}households/?active=false"))] == [gone.pk]


# Territory -----------------------------------------------------------------------------------


def test_territory_lists_are_limited_to_the_callers_scope(api, ward_a, ward_b, ward_c, cluster_a):
    WardClusterFactory(name="Cụm khác", wards=[ward_b])

    provinces = rows(api.get(f"{API}provinces/"))
    wards = rows(api.get(f"{API}wards/"))
    clusters = rows(api.get(f"{API}ward-clusters/"))

    assert [p["code"] for p in provinces] == ["91"]
    assert [w["code"] for w in wards] == ["91001"]
    assert wards[0]["province_code"] == "91"
    assert [c["name"] for c in clusters] == [cluster_a.name]
    assert api.get(f"{API}wards/{ward_b.pk}/").status_code == 404
    assert api.get(f"{API}wards/{ward_c.pk}/").status_code == 404
    assert api.get(f"{API}provinces/{ward_c.province_id}/").status_code == 404
    assert api.get(f"{API}wards/{ward_a.pk}/").status_code == 200


def test_a_province_viewer_sees_the_wards_of_the_province(
    client, viewer_province, ward_a, ward_b, ward_c
):
    client.force_login(viewer_province)
    assert [w["code"] for w in rows(client.get(f"{API}wards/"))] == ["91001", "91002"]
    assert [p["code"] for p in rows(client.get(f"{API}provinces/"))] == ["91"]


def test_a_ward_search_and_a_province_filter_stay_inside_the_scope(api, ward_a, ward_b, ward_c):
    assert [w["code"] for w in rows(api.get(f"{API}wards/", {"search": "binh"}))] == ["91001"]
    response = api.get(f"{API}wards/", {"province_code": "92"})
    assert rows(response) == []


@pytest.mark.parametrize("persona", ["clerk_a", "officer_a", "admin_user"])
@pytest.mark.parametrize("prefix", ["provinces", "wards", "ward-clusters"])
def test_the_territory_cannot_be_written(client, request, ward_a, cluster_a, persona, prefix):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    objects = {"provinces": ward_a.province, "wards": ward_a, "ward-clusters": cluster_a}
    obj = objects[prefix]
    before = type(obj).objects.filter(pk=obj.pk).values().get()
    count = type(obj).objects.count()
    detail = f"{API}{prefix}/{obj.pk}/"

    assert send(client, "post", f"{API}{prefix}/", {"code": "99", "name": "X"}).status_code in {
        403,
        405,
    }
    for method in ("put", "patch"):
        assert send(client, method, detail, {"name": "Đổi tên"}).status_code in {403, 405}
    assert client.delete(detail).status_code in {403, 405}
    assert type(obj).objects.filter(pk=obj.pk).values().get() == before
    assert type(obj).objects.count() == count
