"""Analytics kept by the worker: snapshots the analytics pages read."""

from django.db import models


class OverviewSnapshot(models.Model):
    """The overview's figures for one period, as the worker last computed them."""

    period_days = models.PositiveIntegerField(unique=True)
    figures = models.JSONField()
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Overview, {self.period_days} days, {self.computed_at:%Y-%m-%d %H:%M}"


class CompetitorSnapshot(models.Model):
    """Competitor figures as the worker last computed them (insights.analytics.competitors).

    `key` is "list" for the competitors page (every competitor's figures and
    the competitors × themes matrix) or "competitor:<id>" for one competitor's
    page; `figures` is JSON (amounts as strings, dates as ISO text).
    """

    key = models.CharField(max_length=40, unique=True)
    figures = models.JSONField()
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Competitors ({self.key}), {self.computed_at:%Y-%m-%d %H:%M}"
