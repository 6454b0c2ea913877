"""Each rep's own figures per theme (My customers' requests), as the statistics task stored them."""

from django.conf import settings
from django.db import models

from insights.themes.models.themes import Theme


class RepThemeFigures(models.Model):
    """One rep's notes in one theme, counted: what My customers' requests shows for it.

    Only pairs where the rep has a note in the (unmerged) theme have a row.
    The definitions are in docs/definitions.md ("A rep's figures in a theme");
    the computation is insights.themes.rep_figures, the same live and stored.
    """

    # The unique index below leads with the author, and carries the figures so that
    # a rep's rows are read from the index alone.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    note_count = models.PositiveIntegerField()
    account_count = models.PositiveIntegerField()
    last_call_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "theme"],
                include=["note_count", "account_count", "last_call_on"],
                name="rep_theme_figures_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Rep {self.author_id} in theme {self.theme_id}"


class RepFiguresStored(models.Model):
    """When the rep figures of one theme were last stored.

    A theme's rep figures are read from RepThemeFigures only while this is at
    least as recent as its page statistics (ThemePageStats.computed_at) and
    those are not marked stale: every change to a theme's notes marks them
    (`stats.refresh_soon`), and any path that stores the page statistics
    without storing these (a full run, a direct call) makes them older, so a
    missed refresh shows live figures, never wrong ones.
    """

    theme = models.OneToOneField(
        Theme, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Rep figures of {self.theme_id} stored {self.computed_at:%Y-%m-%d %H:%M}"
