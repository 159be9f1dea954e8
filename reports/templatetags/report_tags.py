import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from reports.models.base import address
from reports.text.rendering import QUOTE_SLOT_SPLIT

register = template.Library()

# The characters that could close the script element or open a comment, written as JSON escapes.
SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def ld_json(data):
    """A JSON-LD data block: read by search engines, never run by browsers."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.filter
def web_url(value):
    """The address if it is an http(s) link, else nothing: no javascript: or data: links reach a page."""
    return value if str(value).lower().startswith(("http://", "https://")) else ""


@register.simple_tag
def fixed_url(name, *args):
    """
    The address of a page, as {% url %} gives it, worked out once per process
    (reports.models.base.address): the site header and the links of every report page are made
    for nearly every request, and reversing them was most of their cost.
    """
    return address(name, *args)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None removes one): for pagination links."""
    params = context["request"].GET.copy()
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"



@register.simple_tag
def report_body(report, quotes):
    """
    The report's text with each quote it places ([quote N]) shown where it stands; returns
    {"html": …, "after": [quotes no marker places]} for the template to show the rest after the text.
    """
    by_number = {carried.position: carried.quote for carried in quotes or ()}
    placed = set()
    parts = QUOTE_SLOT_SPLIT.split(report.body_html)
    html = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            html.append(part)
            continue
        quote = by_number.get(int(part))
        if quote is not None and int(part) not in placed:
            placed.add(int(part))
            html.append(render_to_string("includes/quote.html", {"quote": quote}))
    after = [carried.quote for carried in quotes or () if carried.position not in placed]
    return {"html": mark_safe("".join(html)), "after": after}
