"""The theme area's models: themes and their timeline, the engine's runs, theme pairs."""

from insights.themes.models.pairs import DistinctThemes, DuplicateSuggestion
from insights.themes.models.runs import ClusteringRun, NoteEmbedding
from insights.themes.models.themes import (
    NOTIFYING_STATUSES,
    Theme,
    ThemeAssignment,
    ThemeEvent,
    ThemeStatus,
)

__all__ = [
    "NOTIFYING_STATUSES",
    "ClusteringRun",
    "DistinctThemes",
    "DuplicateSuggestion",
    "NoteEmbedding",
    "Theme",
    "ThemeAssignment",
    "ThemeEvent",
    "ThemeStatus",
]
