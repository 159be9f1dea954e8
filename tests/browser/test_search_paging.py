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
