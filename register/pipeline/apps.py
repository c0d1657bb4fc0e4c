from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "register.pipeline"
    label = "pipeline"
    verbose_name = _("Resource mobilisation")
    default_auto_field = "django.db.models.BigAutoField"
