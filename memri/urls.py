from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter
from django.urls.converters import SlugConverter
from django.views.generic import TemplateView

from reports.interop import exports
from reports.media import views as media_views
from reports.ops import errors, health
from reports.site import feeds, views
from reports.site.sitemaps import SITEMAPS
from reports.subscriptions import accounts as account_security
from reports.subscriptions import api_tokens, offers, signup
from reports.subscriptions import views as reader_views

admin.site.site_header = admin.site.site_title = "Threat Monitor desk"


class UnicodeSlugConverter(SlugConverter):
    """Tags named in Arabic script get slugs in Arabic script (حزب-الله)."""

    regex = r"[-\w]+"


register_converter(UnicodeSlugConverter, "uslug")


def feed_paths(prefix, feed_class, name):
    """The RSS and Atom addresses of one feed: <prefix>rss/ and <prefix>atom/."""
    return [
        path(f"{prefix}rss/", feed_class(), name=f"{name}_rss"),
        path(f"{prefix}atom/", feed_class(atom=True), name=f"{name}_atom"),
    ]


urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("reports/<slug:slug>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<slug:slug>/print/", views.ReportPrintView.as_view(), name="report_print"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series_detail"),
    path("programmes/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("tags/<uslug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("organizations/<slug:slug>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("outlets/<slug:slug>/", views.OutletDetailView.as_view(), name="outlet_detail"),
    path("subscribe/", reader_views.SubscribeView.as_view(), name="subscribe"),
    path("subscribe/trial/<slug:slug>/", offers.StartTrialView.as_view(), name="start_trial"),
    path("subscribe/request/", offers.RequestSubscriptionView.as_view(), name="request_subscription"),
    path("account/", reader_views.AccountView.as_view(), name="account"),
    path("account/institution/", reader_views.JoinInstitutionView.as_view(), name="join_institution"),
    path("account/institution/<str:token>/", reader_views.ConfirmMembershipView.as_view(), name="confirm_membership"),
    path("follow/<str:kind>/<uslug:slug>/", reader_views.FollowView.as_view(), name="follow"),
    path("alerts/unsubscribe/<str:token>/", reader_views.UnsubscribeView.as_view(), name="alerts_unsubscribe"),
    *feed_paths("feeds/", feeds.ReportFeed, "feed"),
    *feed_paths("series/<slug:slug>/", feeds.SeriesFeed, "series_feed"),
    *feed_paths("programmes/<slug:slug>/", feeds.ProgrammeFeed, "programme_feed"),
    *feed_paths("tags/<uslug:slug>/", feeds.TagFeed, "tag_feed"),
    *feed_paths("organizations/<slug:slug>/", feeds.OrganizationFeed, "organization_feed"),
    path("reports/export.csv", exports.ReportListCsvView.as_view(), name="report_list_csv"),
    path("reports/<slug:slug>/stix.json", exports.ReportStixView.as_view(), name="report_stix"),
    path("organizations/<slug:slug>/stix.json", exports.OrganizationStixView.as_view(), name="organization_stix"),
    path("people/<slug:slug>/stix.json", exports.PersonStixView.as_view(), name="person_stix"),
    path("organizations/<slug:slug>/quotes.csv", exports.OrganizationQuotesCsvView.as_view(), name="organization_quotes_csv"),
    path("people/<slug:slug>/quotes.csv", exports.PersonQuotesCsvView.as_view(), name="person_quotes_csv"),
    path("outlets/<slug:slug>/quotes.csv", exports.OutletQuotesCsvView.as_view(), name="outlet_quotes_csv"),
    path("files/<uuid:key>/", media_views.serve, name="media_file"),
    path("api/v1/", include("reports.interop.api.urls")),
    path("account/api-tokens/", api_tokens.APITokenCreateView.as_view(), name="api_token_create"),
    path("account/api-tokens/<int:pk>/revoke/", api_tokens.APITokenRevokeView.as_view(), name="api_token_revoke"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path("health/", health.health, name="health"),
    path("health/live/", health.alive, name="health_live"),
    path("accounts/password_reset/", account_security.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_change/", account_security.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/signup/", signup.SignUpView.as_view(), name="signup"),
    path("accounts/signup/done/", signup.SignUpDoneView.as_view(), name="signup_done"),
    path("accounts/confirm/again/", signup.ResendActivationView.as_view(), name="resend_activation"),
    path("accounts/confirm/<str:uidb64>/<str:token>/", signup.ActivateAccountView.as_view(), name="activate_account"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
