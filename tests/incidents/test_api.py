"""REST resources of the incidents app: ``incidents``, ``tips`` (both police-only), ``hotspots``."""

import datetime as dt

from django.utils import timezone

from incidents.models import Hotspot, Incident, Tip
from tests.api_matrix import ApiMatrix, Link, Resource, body, ids, input_errors, post
from tests.factories import HotspotFactory, IncidentFactory, ResidentialGroupFactory, TipFactory
from wardsecurity.models import SensitiveRead


def tip_data(ward):
    return {
        "ward": ward.pk,
        "received_at": "2024-03-10T08:15:00+07:00",
        "channel": "hotline",
        "reporter": "Người dân tổ 4",
        "content": "Nghi vấn mua bán ma túy tại quán nước",
        "category": "drugs",
    }


def incident_data(ward):
    return {
        "ward": ward.pk,
        "occurred_at": "2024-03-11T22:30:00+07:00",
        "category": "drugs",
        "case_type": "criminal",
        "severity": "serious",
        "summary": "Bắt quả tang tàng trữ trái phép chất ma túy",
        "source": "patrol",
    }


def hotspot_data(ward):
    return {"ward": ward.pk, "name": "Khu vực chợ đêm", "designated_on": "2024-02-01"}


def rich_incident(ward):
    return IncidentFactory(
        ward=ward, group=ResidentialGroupFactory(ward=ward), tip=TipFactory(ward=ward)
    )


def rich_tip(ward):
    tip = TipFactory(ward=ward)
    IncidentFactory.create_batch(2, ward=ward, tip=tip)
    return tip


# Queries of one list page for a user signed in by session:
#   1. the session, 2. the user, 3. COUNT for the paginator, 4. the page,
#   5. tips only: the incident ids of the page's tips (one prefetch),
#   then for sensitive resources one INSERT into SensitiveRead.
RESOURCES = [
    Resource(
        name="incidents",
        model=Incident,
        factory=lambda ward, **fields: IncidentFactory(ward=ward, **fields),
        data=incident_data,
        change={"status": "verifying", "suspects": 3},
        date_field="occurred_at",
        search=({"summary": "Trộm cắp xe máy ở chợ Đồng Xuân"}, "dong xuan"),
        list_queries=5,
        rich=rich_incident,
    ),
    Resource(
        name="tips",
        model=Tip,
        factory=lambda ward, **fields: TipFactory(ward=ward, **fields),
        data=tip_data,
        change={"status": "verified"},
        date_field="received_at",
        search=({"content": "Nghi vấn buôn bán pháo nổ ở ngõ Hàng Bột"}, "hang bot"),
        list_queries=6,
        rich=rich_tip,
    ),
    Resource(
        name="hotspots",
        model=Hotspot,
        factory=lambda ward, **fields: HotspotFactory(ward=ward, **fields),
        data=hotspot_data,
        change={"status": "transforming", "reasons": "Tụ tập thanh thiếu niên"},
        date_field="designated_on",
        search=({"name": "Bến xe Giáp Bát"}, "giap bat"),
        list_queries=4,
        rich=lambda ward: HotspotFactory(ward=ward, group=ResidentialGroupFactory(ward=ward)),
    ),
]


class TestIncidentsApi(ApiMatrix):
    resources = RESOURCES
    links = [
        Link("incidents", "tip", lambda ward: TipFactory(ward=ward)),
        Link("incidents", "group", lambda ward: ResidentialGroupFactory(ward=ward)),
        Link("hotspots", "group", lambda ward: ResidentialGroupFactory(ward=ward)),
    ]


# Tips and incidents point at each other by id only -------------------------------------------


def test_tip_lists_its_incident_ids(client, officer_a, ward_a):
    tip = TipFactory(ward=ward_a)
    first, second = IncidentFactory.create_batch(2, ward=ward_a, tip=tip)
    IncidentFactory(ward=ward_a)
    client.force_login(officer_a)

    detail = body(client.get(f"/api/v1/tips/{tip.pk}/"))
    assert detail["incidents"] == [first.pk, second.pk]
    (row,) = body(client.get("/api/v1/tips/"))["results"]
    assert row["incidents"] == [first.pk, second.pk]


def test_incidents_are_read_only_on_a_tip(client, officer_a, ward_a):
    tip = TipFactory(ward=ward_a)
    incident = IncidentFactory(ward=ward_a)
    client.force_login(officer_a)
    url = f"/api/v1/tips/{tip.pk}/"
    response = client.patch(
        url,
        {"incidents": [incident.pk]},
        content_type="application/json",
        headers={"If-Match": client.get(url)["ETag"]},
    )
    assert response.status_code == 400
    assert list(input_errors(response)) == ["incidents"]
    incident.refresh_from_db()
    assert incident.tip_id is None


def test_an_incident_shows_its_tip_as_an_id_never_the_informant(client, officer_a, ward_a):
    tip = TipFactory(ward=ward_a, reporter="Nguyễn Văn Báo Tin", content="Nội dung tin báo")
    incident = IncidentFactory(ward=ward_a, tip=tip)
    client.force_login(officer_a)
    for response in (
        client.get(f"/api/v1/incidents/{incident.pk}/"),
        client.get("/api/v1/incidents/"),
    ):
        text = response.content.decode()
        assert "Nguyễn Văn Báo Tin" not in text
        assert "Nội dung tin báo" not in text
        assert "reporter" not in text
    assert body(client.get(f"/api/v1/incidents/{incident.pk}/"))["tip"] == tip.pk


# Filters -------------------------------------------------------------------------------------


def test_incident_filters(client, officer_a, ward_a):
    group = ResidentialGroupFactory(ward=ward_a)
    tip = TipFactory(ward=ward_a)
    drugs = IncidentFactory(ward=ward_a, category="drugs", source="tip", tip=tip, group=group)
    fraud = IncidentFactory(ward=ward_a, category="cyber_fraud", status="resolved")
    client.force_login(officer_a)

    def found(**params):
        response = client.get("/api/v1/incidents/", params)
        assert response.status_code == 200, body(response)
        return sorted(ids(response))

    assert found(category="drugs") == [drugs.pk]
    assert found(source="tip") == [drugs.pk]
    assert found(status="resolved") == [fraud.pk]
    assert found(tip=tip.pk) == [drugs.pk]
    assert found(group=group.pk) == [drugs.pk]
    assert found(group=987654) == []
    assert client.get("/api/v1/incidents/", {"category": "no_such"}).status_code == 400


def test_incident_at_2330_local_time_counts_on_its_own_day(client, officer_a, ward_a):
    late = timezone.make_aware(dt.datetime(2024, 3, 10, 23, 30))  # 16:30 UTC
    next_day = timezone.make_aware(dt.datetime(2024, 3, 11, 0, 30))  # still 10 March in UTC
    late_incident = IncidentFactory(ward=ward_a, occurred_at=late)
    next_incident = IncidentFactory(ward=ward_a, occurred_at=next_day)
    client.force_login(officer_a)
    day = {"occurred_at_after": "2024-03-10", "occurred_at_before": "2024-03-10"}
    assert ids(client.get("/api/v1/incidents/", day)) == [late_incident.pk]
    after = {"occurred_at_after": "2024-03-11"}
    assert ids(client.get("/api/v1/incidents/", after)) == [next_incident.pk]


def test_tip_filters(client, officer_a, ward_a):
    hotline = TipFactory(ward=ward_a, channel="hotline", category="drugs")
    app = TipFactory(ward=ward_a, channel="app", category="cyber_fraud", status="verified")
    client.force_login(officer_a)
    assert ids(client.get("/api/v1/tips/", {"channel": "app"})) == [app.pk]
    assert ids(client.get("/api/v1/tips/", {"category": "drugs"})) == [hotline.pk]
    assert ids(client.get("/api/v1/tips/", {"status": "verified"})) == [app.pk]


def test_tips_are_not_searchable_or_sortable_by_informant(client, officer_a, ward_a):
    first = TipFactory(ward=ward_a, reporter="Zê Văn Cuối", content="Tin một")
    second = TipFactory(ward=ward_a, reporter="An Thị Đầu", content="Tin hai")
    client.force_login(officer_a)
    assert ids(client.get("/api/v1/tips/", {"search": "an thi dau"})) == []
    default = ids(client.get("/api/v1/tips/"))
    assert default == [second.pk, first.pk]
    assert ids(client.get("/api/v1/tips/", {"ordering": "reporter"})) == default


def test_hotspot_filters(client, clerk_a, ward_a):
    group = ResidentialGroupFactory(ward=ward_a)
    designated = HotspotFactory(ward=ward_a, group=group)
    transformed = HotspotFactory(
        ward=ward_a, status="transformed", transformed_on=dt.date(2024, 6, 1)
    )
    client.force_login(clerk_a)
    assert ids(client.get("/api/v1/hotspots/", {"status": "transformed"})) == [transformed.pk]
    assert ids(client.get("/api/v1/hotspots/", {"group": group.pk})) == [designated.pk]


# Writes --------------------------------------------------------------------------------------


def test_officer_cannot_create_an_incident_in_another_ward(client, officer_a, ward_b):
    client.force_login(officer_a)
    response = post(client, "/api/v1/incidents/", incident_data(ward_b))
    assert response.status_code == 400
    assert list(input_errors(response)) == ["ward"]
    assert not Incident.objects.exists()


def test_a_write_is_not_logged_as_a_sensitive_read(client, officer_a, ward_a):
    client.force_login(officer_a)
    assert post(client, "/api/v1/tips/", tip_data(ward_a)).status_code == 201
    assert not SensitiveRead.objects.exists()
