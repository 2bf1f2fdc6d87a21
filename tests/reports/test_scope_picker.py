"""The scope picker (issue 12, item 11): provinces, clusters and wards to choose from and to
search for, and a drill-down that keeps its scope and period through every change."""

import datetime as dt
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from reports.figures.picker import scope_search
from reports.statistics import rollup
from tests.factories import IncidentFactory, ResidentialGroupFactory, WardFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"
SEARCH = "/reports/scopes/"
MARCH = {"period": "month:2024-03", "calendar": "civil"}


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


@pytest.fixture
def figures(ward_a, ward_b, ward_c, cluster_a):
    IncidentFactory(ward=ward_a, occurred_at=at(2024, 3, 3))
    IncidentFactory(ward=ward_a, occurred_at=at(2024, 4, 3))
    IncidentFactory(ward=ward_b, occurred_at=at(2024, 3, 5))
    IncidentFactory(ward=ward_c, occurred_at=at(2024, 3, 8))
    ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố Hòa Bình")
    rollup.process_dirty()


class Page(HTMLParser):
    """The picker form's fields as a browser would send them, and every link of the page."""

    def __init__(self, html):
        super().__init__()
        self.fields, self.links, self.selected = {}, [], {}
        self._in_form = False
        self._select = None
        self._first_option = {}
        self.h1 = ""
        self._in_h1 = False
        self.feed(html)
        for name, first in self._first_option.items():
            self.fields.setdefault(name, first)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "h1":
            self._in_h1 = True
        if tag == "form" and "filter-panel" in (attrs.get("class") or ""):
            self._in_form = True
        if not self._in_form or ("name" not in attrs and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select:
            self._first_option.setdefault(self._select, attrs.get("value", ""))
            if "selected" in attrs:
                self.fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data


def test_a_drill_down_survives_a_change_of_period(client, viewer_all, figures, monkeypatch):
    """Item 11: a national viewer drilled into a ward, changed the period and lost the ward
    (the scope box offered only "my whole scope", so the form sent scope=all)."""
    monkeypatch.setattr("reports.figures.picker.PICKER_WARDS", 1)  # a country has 3,321 wards
    client.force_login(viewer_all)
    national = Page(client.get(DASHBOARD, MARCH).content.decode())
    drill = next(link for link in national.links if "scope=ward%3A91001" in link)
    assert parse_qs(urlsplit(drill).query)["period"] == ["month:2024-03"]

    ward = client.get(drill.replace("&amp;", "&"))
    assert ward.status_code == 200
    page = Page(ward.content.decode())
    assert "Phường An Bình" in page.h1
    assert page.fields["scope"] == "ward:91001"

    # The viewer changes the period in the form and sends it as it is.
    changed = client.get(DASHBOARD, {**page.fields, "period": "tháng 4/2024"})
    assert changed.status_code == 200
    after = Page(changed.content.decode())
    assert "Phường An Bình" in after.h1
    assert after.fields["scope"] == "ward:91001"
    assert after.fields["period"] == "tháng 4/2024"
    assert "Tổ dân phố Hòa Bình" in changed.content.decode()

    # And the calendar too.
    again = client.get(DASHBOARD, {**after.fields, "calendar": "reporting"})
    assert Page(again.content.decode()).fields["scope"] == "ward:91001"


def test_every_link_of_a_drilled_page_carries_scope_and_period(client, viewer_all, figures):
    client.force_login(viewer_all)
    page = Page(client.get(DASHBOARD, {"scope": "ward:91001", **MARCH}).content.decode())
    own = [link for link in page.links if link.startswith(("/dashboard/?", "/reports/?"))]
    assert own, page.links
    for link in own:
        query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
        assert query["period"] == ["month:2024-03"], link
        assert query["calendar"] == ["civil"], link
        assert "scope" in query, link
    # The way back up keeps the period too.
    assert any("scope=all" in link for link in own)


def test_the_ranking_links_keep_the_chosen_order(client, viewer_all, figures):
    client.force_login(viewer_all)
    page = Page(client.get(DASHBOARD, {**MARCH, "rank": "incidents"}).content.decode())
    drills = [link for link in page.links if "scope=ward%3A" in link]
    assert drills and all("rank=incidents" in link for link in drills)


def test_a_national_viewer_can_choose_a_province_a_cluster_or_a_ward(
    client, viewer_all, figures, cluster_a
):
    """Item 11: the scope box of a viewer with scope "all" had no option but "all"."""
    client.force_login(viewer_all)
    page = client.get(DASHBOARD, MARCH).content.decode()
    scope_box = page[page.index('<select id="id_scope"') :]
    scope_box = scope_box[: scope_box.index("</select>")]
    assert '<option value="province:91">Tỉnh Thử Nghiệm</option>' in scope_box
    assert f'<option value="cluster:{cluster_a.pk}">Thành phố cũ</option>' in scope_box
    assert '<option value="ward:92001">' in scope_box
    assert "<optgroup" in scope_box


def test_a_province_viewer_is_offered_its_own_territory_only(client, viewer_province, figures):
    client.force_login(viewer_province)
    page = client.get(DASHBOARD, MARCH).content.decode()
    scope_box = page[page.index('<select id="id_scope"') :]
    scope_box = scope_box[: scope_box.index("</select>")]
    assert "ward:91001" in scope_box and "ward:91002" in scope_box
    assert "92001" not in scope_box
    assert "cluster:" not in scope_box  # the cluster reaches into another province


# Search ------------------------------------------------------------------------------------


def test_search_is_accent_and_case_insensitive(viewer_all, figures, cluster_a):
    def values(text):
        return [option.value for option in scope_search(user=viewer_all, text=text)]

    assert values("cat tien") == ["ward:92001"]
    assert values("CÁT TIÊN") == ["ward:92001"]
    assert values("thu nghiem") == ["province:91"]
    assert values("thanh pho cu") == [f"cluster:{cluster_a.pk}"]
    assert values("binh") == ["ward:91001", "ward:91002"]
    assert values("91002") == ["ward:91002"]
    assert values("") == []


def test_search_stays_inside_the_callers_scope(officer_a, viewer_city, figures, cluster_a):
    assert [o.value for o in scope_search(user=officer_a, text="phuong")] == ["ward:91001"]
    assert scope_search(user=officer_a, text="cat tien") == []
    found = {o.value for o in scope_search(user=viewer_city, text="a")}
    # The cluster and its wards; not ward B, nor a province it only partly covers.
    assert found == {f"cluster:{cluster_a.pk}", "ward:91001", "ward:92001"}


def test_the_search_endpoint_answers_json(client, viewer_all, figures, ward_c):
    client.force_login(viewer_all)
    response = client.get(SEARCH, {"q": "cát"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {
        "results": [
            {
                "value": "ward:92001",
                "label": "Xã Cát Tiên",
                "kind": "ward",
                "kind_label": "Xã, phường",
                "detail": ward_c.province.name,
            }
        ]
    }
    assert client.get(SEARCH, {"q": ""}).json() == {"results": []}


def test_the_search_endpoint_needs_a_sign_in(client):
    response = client.get(SEARCH, {"q": "cat"})
    assert response.status_code == 302


def test_without_javascript_the_search_box_picks_a_single_match(client, viewer_all, figures):
    client.force_login(viewer_all)
    response = client.get(DASHBOARD, {**MARCH, "scope": "all", "scope_search": "cat tien"})
    assert response.status_code == 200
    page = Page(response.content.decode())
    assert "Xã Cát Tiên" in page.h1
    assert page.fields["scope"] == "ward:92001"
    assert page.fields.get("scope_search", "") == ""  # a one-off search, not kept


def test_without_javascript_several_matches_are_offered(client, viewer_all, figures):
    client.force_login(viewer_all)
    response = client.get(DASHBOARD, {**MARCH, "scope": "all", "scope_search": "binh"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Có 2 nơi khớp" in text
    scope_box = text[text.index('<select id="id_scope"') :]
    scope_box = scope_box[: scope_box.index("</select>")]
    assert "ward:91001" in scope_box and "ward:91002" in scope_box


def test_without_javascript_no_match_is_said(client, viewer_all, figures):
    client.force_login(viewer_all)
    response = client.get(DASHBOARD, {**MARCH, "scope_search": "zzz"})
    assert response.status_code == 400
    assert "Không tìm thấy" in response.content.decode()


def test_the_scope_search_costs_the_same_whatever_the_number_of_wards(
    viewer_all, province, django_assert_max_num_queries
):
    for i in range(30):
        WardFactory(code=f"93{i:03d}", province=province, name=f"Phường Số {i}")
    with django_assert_max_num_queries(3):
        found = scope_search(user=viewer_all, text="so")
    assert len(found) == 20  # bounded


def test_a_search_with_a_nul_character_is_answered(client, viewer_all, figures):
    client.force_login(viewer_all)
    response = client.get(SEARCH, {"q": "cat\x00tien"})
    assert response.status_code == 200
    assert [r["value"] for r in response.json()["results"]] == ["ward:92001"]
