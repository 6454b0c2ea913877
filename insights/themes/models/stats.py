"""Theme statistics the worker stores for the pages to read: per period, and the theme page's."""

from django.db import models

from insights.themes.models.themes import Theme

ALL_TIME_DAYS = 0  # period_days of the all-time figures


class StoredFigures(models.Model):
    """A theme's figures as the statistics task stored them (insights.themes.figures.Figures)."""

    note_count = models.PositiveIntegerField(default=0)
    account_count = models.PositiveIntegerField(default=0)
    open_revenue = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    lost_revenue = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    won_revenue = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    weighted_revenue = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    weekly_mentions = models.JSONField(default=list)
    top_tags = models.JSONField(default=list)
    top_competitors = models.JSONField(default=list)
    last_mentioned_on = models.DateField(null=True)

    class Meta:
        abstract = True


class ThemePeriodFigures(StoredFigures):
    """One theme's figures over one reporting period, as the statistics task last stored them.

    `period_days` is a period of feedbackhub.periods (30, 90, 180, 365) or 0
    for all time; the period ends on the day in `Theme.stats_as_of`. Only
    themes with a note in the period have a row. The definitions are those of
    insights.themes.figures (docs/definitions.md).
    """

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="period_figures")
    period_days = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["theme", "period_days"], name="theme_period_unique")
        ]
        indexes = [
            models.Index(fields=["period_days", "-open_revenue"], name="theme_period_revenue_idx")
        ]

    def __str__(self) -> str:
        return f"{self.theme_id}, {self.period_days or 'all'} days"


class FacetKind(models.TextChoices):
    """The dashboard's note filters whose figures are stored per value (a period aside)."""

    TAG = "tag", "Tag"
    COMPETITOR = "competitor", "Competitor"
    SEGMENT = "segment", "Segment"
    REGION = "region", "Region"
    TEAM = "team", "Team"
    STAGE = "stage", "Deal stage"


class ThemeFacetFigures(StoredFigures):
    """One theme's figures over the notes that match one filter value, over one period.

    What the dashboard filtered by one tag, competitor, segment, region, team
    or deal stage (alone, or with a period) reads instead of aggregating the
    matching notes. `facet` is the value as the filter gives it, in text: a
    Tag, Competitor or Team id, or a segment, region or stage value. Which
    notes match is the live filter's rule (NoteFilter): a competitor the note
    names or its deal is against, the segment and region of the note's
    account, a team its author belongs to, the stage of its deal. Stored by
    the statistics task with ThemePeriodFigures, for the same themes and
    periods; only (theme, value, period) with a matching note have a row.
    """

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="facet_figures")
    period_days = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=FacetKind.choices)
    facet = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "facet", "period_days", "theme"], name="theme_facet_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.theme_id}, {self.kind} {self.facet}, {self.period_days or 'all'} days"


class ThemePageStats(models.Model):
    """What a theme's page shows beyond its figures, computed by the worker with them.

    `top_accounts` and `evidence` are JSON (amounts as strings). `stale_since`
    is set in the transaction of any change to the theme's notes or deals and
    cleared by the refresh that follows it; while it is set (or when there is
    no row yet), the page computes the theme's statistics itself.
    """

    theme = models.OneToOneField(
        Theme, on_delete=models.CASCADE, primary_key=True, related_name="page_stats"
    )
    top_accounts = models.JSONField(default=list)
    evidence = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    stale_since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Page statistics of {self.theme_id}"
