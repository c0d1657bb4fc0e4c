"""The sponsor portal's benefit pages, mounted at /account/benefits/."""

from django.urls import path

from marketplace.fulfilment import views

app_name = "fulfilment"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("<uuid:public_id>/", views.task_detail, name="task"),
    path("<uuid:public_id>/asset/", views.task_file, {"which": "asset"}, name="asset"),
    path("<uuid:public_id>/proof/", views.task_file, {"which": "proof"}, name="proof"),
]
