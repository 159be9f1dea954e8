from django.contrib import admin
from django.urls import include, path

from reports import views

admin.site.site_header = admin.site.site_title = "Threat Monitor desk"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("reports/<slug:slug>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series_detail"),
    path("organizations/<slug:slug>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("outlets/<slug:slug>/", views.OutletDetailView.as_view(), name="outlet_detail"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
