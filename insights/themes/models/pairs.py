"""Pairs of themes: "not the same need" decisions and the engine's duplicate suggestions."""

from django.conf import settings
from django.db import models

from insights.themes.models.themes import Theme


class _ThemePair(models.Model):
    """Two themes, unordered: stored with the smaller id first, so a pair has one row."""

    first = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    @staticmethod
    def ordered(a: int, b: int) -> tuple[int, int]:
        return (a, b) if a < b else (b, a)

    def other(self, theme_id: int):
        return self.second if theme_id == self.first_id else self.first


class DistinctThemes(_ThemePair):
    """A person's decision that two themes are different needs ("not the same").

    The pair is never suggested as a duplicate again, and no run folds one
    theme into the other (see insights.themes.engine.identity).
    """

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "distinct themes"
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinct_themes_pair_once"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")),
                name="distinct_themes_pair_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.first_id} is not #{self.second_id}"


class DuplicateSuggestion(_ThemePair):
    """The engine's view that two active themes are probably one need.

    A cache, rebuilt after every full run from the themes' centres (see
    insights.themes.pipeline.duplicates): pages read it, nothing else depends on it.
    """

    similarity = models.FloatField(help_text="Cosine similarity of the two theme centres.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["first", "second"], name="duplicate_suggestion_pair_once"
            ),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")),
                name="duplicate_suggestion_pair_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.first_id} ≈ #{self.second_id} ({self.similarity:.2f})"
