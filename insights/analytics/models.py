"""Analytics kept by the worker: snapshots the analytics pages read."""

from django.db import models


class OverviewSnapshot(models.Model):
    """The overview's figures for one period, as the worker last computed them."""

    period_days = models.PositiveIntegerField(unique=True)
    figures = models.JSONField()
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Overview, {self.period_days} days, {self.computed_at:%Y-%m-%d %H:%M}"
