"""Reading pages as a browser would, to find HTML that would run."""
from html.parser import HTMLParser

DATA_BLOCK_TYPES = {"application/ld+json", "application/json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class LiveHTMLFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def script_allowed(self, attributes):
        return attributes.get("type") in DATA_BLOCK_TYPES

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not self.script_allowed(attributes):
            self.problems.append(f"<script> element: {attrs}")
        if tag in {"iframe", "object", "embed"}:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            normalized = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and normalized.startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append(f"{name}={value!r} on <{tag}>")


def live_html(page):
    """Everything in `page` that a browser would run: scripts, event handlers, script URLs."""
    finder = LiveHTMLFinder()
    finder.feed(page)
    return finder.problems


class InlineCodeFinder(LiveHTMLFinder):
    """What a Content-Security-Policy without 'unsafe-inline' would block: inline script or style."""

    def script_allowed(self, attributes):
        """Data blocks, and script files from the site itself (script-src 'self')."""
        src = attributes.get("src") or ""
        return super().script_allowed(attributes) or (src.startswith("/") and not src.startswith("//"))

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag == "style":
            self.problems.append("<style> element")
        if any(name == "style" for name, _ in attrs):
            self.problems.append(f"style attribute on <{tag}>")


def inline_code(page):
    """Everything in `page` that a strict CSP would refuse: live HTML, <style> elements, style attributes."""
    finder = InlineCodeFinder()
    finder.feed(page)
    return finder.problems
