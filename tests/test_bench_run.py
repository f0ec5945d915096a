"""The benchmark's decision for search and filter results: the htmx fragment is exactly the page's result
region (word for word, no layout, menu or filter form). The check itself, and the pages it is used for."""

from datetime import date

from bench.run import is_region_of
from tests.conftest import make_participant

PAGE = '<html><header>Menu</header><form role="search"></form><div id="r">\n<table>rows</table>\n</div></html>'


def test_a_part_of_the_page_without_layout_is_its_region():
    assert is_region_of("\n<table>rows</table>\n", PAGE)


def test_a_fragment_with_layout_or_filters_or_not_on_the_page_is_not():
    assert not is_region_of("<header>Menu</header>", PAGE)
    assert not is_region_of('<form role="search"></form>', PAGE)
    assert not is_region_of("<table>other rows</table>", PAGE)
    assert not is_region_of("  \n", PAGE)
    assert not is_region_of(PAGE, PAGE)


def test_search_and_report_filter_fragments_are_their_regions(client, login_as, htmx_headers):
    login_as("coach")
    make_participant(first_name="Jan", last_name="Smit", start_date=date(2026, 3, 1))
    for url, shown in (("/deelnemers/?q=jan", "Smit, Jan"), ("/rapportage/?jaar=2026", "Deelnemers per status")):
        page = client.get(url).get_data(as_text=True)
        fragment = client.get(url, headers=htmx_headers).get_data(as_text=True)
        assert shown in fragment
        assert is_region_of(fragment, page), url


def test_partner_commitment_filter_fragment_is_its_region(client, login_as, htmx_headers):
    login_as("partner")
    page = client.get("/partners/toezeggingen?status=open").get_data(as_text=True)
    fragment = client.get("/partners/toezeggingen?status=open", headers=htmx_headers).get_data(as_text=True)
    assert is_region_of(fragment, page)
