import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from reports.models.base import address
from reports.text.rendering import SLOT_SPLIT

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
def report_body(report, quotes, images=None):
    """
    The report's text with each quote and image it places ([quote N], [image N]) shown where it
    stands; returns {"html": …, "after": [quotes no marker places], "images_after": [images likewise]}
    for the template to show the rest after the text.
    """
    shown = {
        "quote": ({carried.position: carried.quote for carried in quotes or ()}, "includes/quote.html", "quote"),
        "image": ({image.position: image for image in images or ()}, "includes/report_image.html", "image"),
    }
    placed = {"quote": set(), "image": set()}
    parts = SLOT_SPLIT.split(report.body_html)
    html = [parts[0]]
    for index in range(1, len(parts), 3):
        kind, number = parts[index], int(parts[index + 1])
        by_number, template_name, name = shown[kind]
        found = by_number.get(number)
        if found is not None and number not in placed[kind]:
            placed[kind].add(number)
            html.append(render_to_string(template_name, {name: found}))
        html.append(parts[index + 2])
    after = [carried.quote for carried in quotes or () if carried.position not in placed["quote"]]
    images_after = [image for image in images or () if image.position not in placed["image"]]
    return {"html": mark_safe("".join(html)), "after": after, "images_after": images_after}
