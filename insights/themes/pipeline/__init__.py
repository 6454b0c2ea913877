"""The theme engine's Django layer: stored embeddings, incremental placement,
full runs, statistics and similar-note look-ups, on top of the numeric core
in `insights.themes.engine` (which knows nothing of Django)."""
