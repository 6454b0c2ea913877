from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Feedback and themes"

    def ready(self) -> None:
        # Connect the receivers: themes react to notes and deals, the loop to themes.
        from insights.loop import receivers as loop_receivers  # noqa: F401
        from insights.themes import receivers as theme_receivers  # noqa: F401
