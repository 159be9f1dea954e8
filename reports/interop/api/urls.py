from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from reports.interop.api import views

app_name = "api"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("reports/", views.ReportListView.as_view(), name="report-list"),
    path("reports/<slug:slug>/", views.ReportDetailView.as_view(), name="report-detail"),
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/<slug:slug>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("outlets/", views.OutletListView.as_view(), name="outlet-list"),
    path("outlets/<slug:slug>/", views.OutletDetailView.as_view(), name="outlet-detail"),
    path("quotes/", views.QuoteListView.as_view(), name="quote-list"),
    path("quotes/<int:pk>/", views.QuoteDetailView.as_view(), name="quote-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
