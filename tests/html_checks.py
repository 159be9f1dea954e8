"""Reading pages as a browser would, to find HTML that would run."""
from html.parser import HTMLParser

DATA_BLOCK_TYPES = {"application/ld+json", "application/json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class LiveHTMLFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("type") not in DATA_BLOCK_TYPES:
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
