from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Feedback and themes"

    def ready(self) -> None:
        # Connect the receivers (themes react to notes and deals, the loop to
        # themes), and register every area's Celery tasks in every process, not
        # only in workers, whose autodiscovery is lazy: services queue tasks by
        # name (feedbackhub.queue), so a web process or a shell must know them.
        from insights.analytics import tasks as analytics_tasks  # noqa: F401
        from insights.loop import receivers as loop_receivers  # noqa: F401
        from insights.loop import tasks as loop_tasks  # noqa: F401
        from insights.themes import receivers as theme_receivers  # noqa: F401
        from insights.themes import tasks as theme_tasks  # noqa: F401
