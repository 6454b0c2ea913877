from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Feedback and themes"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
