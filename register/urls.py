"""Staff pages of the partnership register, under /partnerships/."""

from django.urls import path

from register import chart_views, opendata_views, views

app_name = "register"

urlpatterns = [
    path("", views.search_view, name="search"),
    path("agreements/<int:pk>/", views.agreement_view, name="agreement"),
    path("partners/<int:pk>/", views.partner_view, name="partner"),
    path("charts/", chart_views.charts_view, name="charts"),
    path("charts/<slug:key>.csv", chart_views.chart_csv_view, name="chart-csv"),
    path("export.csv", views.export_view, name="export"),
    path("documents/<path:name>", views.document_view, name="document"),
    # Public (no sign-in): aggregate figures of the publishable agreements. Stable URLs.
    path("open-data/", opendata_views.open_data_view, name="open-data"),
    path("open-data/figures.csv", opendata_views.open_data_csv, name="open-data-csv"),
    path("open-data/figures.json", opendata_views.open_data_json, name="open-data-json"),
]
