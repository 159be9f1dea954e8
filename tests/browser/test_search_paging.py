"""A visitor pages through search results by the page's own links."""
from playwright.sync_api import expect

from reports.site.views import SearchView


def test_visitor_pages_to_the_second_page_of_results_and_back(walk, monkeypatch):
    """Two results a page (the demo desk has a handful): the next link shows the others, then the first page again."""
    # The live server runs in this process: the page size set here is the one it serves.
    monkeypatch.setattr(SearchView, "paginate_by", 2)
    walk.visit("/search/?q=militia", "search-page-1")
    pages = walk.page.locator("nav.pagination")
    expect(pages).to_contain_text("Page 1 of")
    first = walk.page.locator("article.result h2").all_inner_texts()
    assert len(first) == 2

    next_link = walk.page.get_by_role("link", name="Next page")
    walk.follow(next_link, "/search/" + next_link.get_attribute("href"), "search-page-2")
    expect(pages).to_contain_text("Page 2 of")
    second = walk.page.locator("article.result h2").all_inner_texts()
    assert second and not set(second) & set(first)
    expect(walk.page.locator("p.count")).to_contain_text("reports")

    first_link = walk.page.get_by_role("link", name="First page")
    walk.follow(first_link, "/search/" + first_link.get_attribute("href"), "search-page-1-again")
    assert walk.page.locator("article.result h2").all_inner_texts() == first


def test_visitor_narrows_a_search_with_the_filter_panel_and_finds_it_open(walk):
    """The panel starts closed; a filter chosen in it and applied narrows the results, and the panel shows open with it."""
    walk.visit("/search/?q=militia", "search-unfiltered")
    panel = walk.page.locator("details.filters")
    expect(panel).not_to_have_attribute("open", "")
    walk.page.get_by_text("Filter and sort").click()
    walk.page.get_by_label("Access").select_option("free")
    walk.page.get_by_role("button", name="Apply").click()
    walk.page.wait_for_url(lambda url: "access=free" in url)
    walk.arrived("search-free-only")
    expect(panel).to_have_attribute("open", "")
    expect(walk.page.get_by_label("Access")).to_have_value("free")
    badges = walk.page.locator("article.result .badge").all_inner_texts()
    assert badges and set(badges) == {"Free to read"}
