"""The models of every area of `insights`, in one place for Django.

Each area owns its models module (see docs/architecture.md); this module only
gathers them so that Django finds them under the `insights` app label.
"""

from insights.analytics.models import CompetitorSnapshot, OverviewSnapshot
from insights.loop.models import (
    NOTIFYING_STATUSES,
    Notification,
    StatusFanOut,
    WebhookDelivery,
    WebhookEndpoint,
    WinBackTask,
    new_webhook_secret,  # named by migration 0008 as a field default
)
from insights.notes.models import CallNote, Importance, Tag
from insights.themes.models import (
    ClusteringRun,
    DistinctThemes,
    DuplicateSuggestion,
    NoteEmbedding,
    Theme,
    ThemeAssignment,
    ThemeEvent,
    ThemeExport,
    ThemeFacetFigures,
    ThemePageStats,
    ThemePeriodFigures,
    ThemeStatus,
)

__all__ = [
    "Tag",
    "CallNote",
    "Importance",
    "Theme",
    "ThemeStatus",
    "ThemeAssignment",
    "NoteEmbedding",
    "ClusteringRun",
    "ThemeEvent",
    "DistinctThemes",
    "DuplicateSuggestion",
    "Notification",
    "NOTIFYING_STATUSES",
    "WebhookEndpoint",
    "WebhookDelivery",
    "StatusFanOut",
    "WinBackTask",
    "OverviewSnapshot",
    "CompetitorSnapshot",
    "ThemeExport",
    "ThemePageStats",
    "ThemePeriodFigures",
    "ThemeFacetFigures",
    "new_webhook_secret",
]
