"""Turning an analyst's Markdown into the HTML readers see: rendered once on save, always sanitised."""
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "q", "s", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}
# `dir` and `lang` let analysts mark Arabic passages right-to-left: {: dir="rtl" lang="ar" }.
TEXT_ATTRIBUTES = {"dir", "lang"}
ALLOWED_ATTRIBUTES = {
    "*": TEXT_ATTRIBUTES,
    "a": {"href", "title", "id", "class"} | TEXT_ATTRIBUTES,
    "sup": {"id", "class"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# A footnote marker as analysts type it: [1], [2], … not followed by "(" (a Markdown link).
FOOTNOTE_MARKER = re.compile(r"\[(\d{1,3})\](?!\()")


def link_footnote_markers(html):
    return FOOTNOTE_MARKER.sub(
        r'<sup id="fnref-\1"><a href="#fn-\1" class="footnote-ref">[\1]</a></sup>', html
    )


def render_markdown(text):
    """Markdown to sanitised HTML, with footnote markers linked to the notes below the text."""
    html = markdown.markdown(text or "", extensions=["attr_list", "sane_lists", "tables"])
    return nh3.clean(
        link_footnote_markers(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
