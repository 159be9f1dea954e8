"""schema.org data for search engines, with the paywall marked the way they expect it."""
from django.conf import settings

# The element that holds gated text when it is shown; search engines are told it is not free.
GATED_SELECTOR = ".gated-content"


def news_article(report, request):
    """
    The NewsArticle of a report: public fields only (never the body). The desk, not the
    analyst, is named as author: analysts' names are not published.
    """
    desk = {"@type": "Organization", "name": settings.SITE_NAME, "url": request.build_absolute_uri("/")}
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": report.title,
        "description": report.summary,
        "url": request.build_absolute_uri(report.get_absolute_url()),
        "mainEntityOfPage": request.build_absolute_uri(report.get_absolute_url()),
        "dateModified": report.updated_at.isoformat(),
        "articleSection": str(report.series),
        "keywords": [tag.name for tag in report.tag_list],
        "author": desk,
        "publisher": desk,
        "isAccessibleForFree": report.is_complimentary,
    }
    if report.published_at:
        article["datePublished"] = report.published_at.isoformat()
    if not report.is_complimentary:
        article["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": GATED_SELECTOR,
        }
    return article
