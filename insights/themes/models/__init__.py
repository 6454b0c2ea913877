"""The theme area's models: themes and their timeline, the engine's runs, theme pairs,
stored statistics and exports."""

from insights.themes.models.exports import ThemeExport
from insights.themes.models.facts import NoteFacts, NoteNameFacts
from insights.themes.models.pairs import DistinctThemes, DuplicateSuggestion
from insights.themes.models.rep_figures import RepFiguresStored, RepThemeFigures
from insights.themes.models.runs import ClusteringRun, NoteEmbedding
from insights.themes.models.stats import (
    ALL_TIME_DAYS,
    FacetKind,
    ThemeFacetFigures,
    ThemePageStats,
    ThemePeriodFigures,
)
from insights.themes.models.themes import (
    NOTIFYING_STATUSES,
    Theme,
    ThemeAssignment,
    ThemeEvent,
    ThemeStatus,
)

__all__ = [
    "ALL_TIME_DAYS",
    "ThemeExport",
    "NoteFacts",
    "NoteNameFacts",
    "ThemePageStats",
    "RepFiguresStored",
    "RepThemeFigures",
    "ThemePeriodFigures",
    "FacetKind",
    "ThemeFacetFigures",
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
