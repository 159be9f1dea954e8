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
# Where a quote the report carries is shown: [quote 2], on a line of its own.
QUOTE_MARKER = re.compile(r"^[ \t]*\[quote (\d{1,3})\][ \t]*$", re.MULTILINE)
# The marker as Markdown renders it, replaced by a comment that pages split the text at
# (reports.templatetags.report_tags.report_body); other readers of the HTML never see it.
QUOTE_SLOT = re.compile(r"<p>\s*\[quote (\d{1,3})\]\s*</p>")
QUOTE_SLOT_COMMENT = "<!--quote:{}-->"
# Images the same way: [image 1] on a line of its own shows the report's image No. 1 there.
IMAGE_MARKER = re.compile(r"^[ \t]*\[image (\d{1,3})\][ \t]*$", re.MULTILINE)
IMAGE_SLOT = re.compile(r"<p>\s*\[image (\d{1,3})\]\s*</p>")
IMAGE_SLOT_COMMENT = "<!--image:{}-->"
# Where pages split the text: (kind, number) of each quote or image placed.
SLOT_SPLIT = re.compile(r"<!--(quote|image):(\d{1,3})-->")


def link_footnote_markers(html):
    return FOOTNOTE_MARKER.sub(
        r'<sup id="fnref-\1"><a href="#fn-\1" class="footnote-ref">[\1]</a></sup>', html
    )


def render_markdown(text):
    """Markdown to sanitised HTML, with footnote markers linked to the notes below the text and quote and image markers kept."""
    html = markdown.markdown(text or "", extensions=["attr_list", "sane_lists", "tables"])
    html = nh3.clean(
        link_footnote_markers(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    # After sanitising, which drops every comment a text could carry: only a marker makes one.
    html = QUOTE_SLOT.sub(lambda match: QUOTE_SLOT_COMMENT.format(match.group(1)), html)
    return IMAGE_SLOT.sub(lambda match: IMAGE_SLOT_COMMENT.format(match.group(1)), html)
