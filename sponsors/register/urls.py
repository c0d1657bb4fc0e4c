"""Staff pages of the partnership register, under /partnerships/."""

from django.urls import path

from sponsors.register import chart_views, views

app_name = "register"

urlpatterns = [
    path("", views.search_view, name="search"),
    path("agreements/<int:pk>/", views.agreement_view, name="agreement"),
    path("partners/<int:pk>/", views.partner_view, name="partner"),
    path("charts/", chart_views.charts_view, name="charts"),
    path("charts/<slug:key>.csv", chart_views.chart_csv_view, name="chart-csv"),
    path("export.csv", views.export_view, name="export"),
    path("documents/<path:name>", views.document_view, name="document"),
]
