"""Figures per theme and tag, and per theme and competitor, for all time and every period.

The dashboard filtered by one tag or one competitor (alone, or with a period)
reads these rows (ThemeFacetFigures) instead of aggregating the matching
notes per request, which at a million notes means hundreds of thousands of
rows. The statistics task computes them with the period figures, for the same
chunk of themes, in two statements per kind (figures, then top names), each
note read once for all periods (insights.themes.figures_sql).

Which notes count for a facet is the live filter's rule (NoteFilter): a tag
the note carries; a competitor the note names or its deal is against — a
note naming the competitor of its own deal counts once (UNION, not UNION ALL).
"""

import datetime as dt

from deals.models import Deal
from insights.notes.models import CallNote
from insights.themes import figures_sql
from insights.themes.figures import NAME_BRANCHES, TOP_NAMES, WEEKS
from insights.themes.models import FacetKind, ThemeAssignment

_ASSIGNMENTS = ThemeAssignment._meta.db_table
_NOTES = CallNote._meta.db_table
_DEALS = Deal._meta.db_table
_NOTE_TAGS = CallNote.tags.through._meta.db_table
_NOTE_COMPETITORS = CallNote.competitors.through._meta.db_table

# How each kind joins a note (n, with its deal d) to its facets, and the facet's column.
_FACETS = {
    FacetKind.TAG: (f"JOIN {_NOTE_TAGS} f ON f.callnote_id = n.id", "f.tag_id"),
    FacetKind.COMPETITOR: (
        f"""JOIN LATERAL (
            SELECT nc.competitor_id AS facet_id FROM {_NOTE_COMPETITORS} nc
            WHERE nc.callnote_id = n.id
            UNION SELECT d.competitor_id WHERE d.competitor_id IS NOT NULL
        ) f ON TRUE""",
        "f.facet_id",
    ),
}


def _matching(kind: FacetKind, columns: str) -> str:
    join, facet = _FACETS[kind]
    return f"""SELECT {columns.format(facet=facet)}
        FROM {_ASSIGNMENTS} a
        JOIN {_NOTES} n ON n.id = a.note_id
        LEFT JOIN {_DEALS} d ON d.id = n.deal_id
        {join}
        WHERE a.theme_id = ANY(%s)"""


_ROWS = """a.theme_id AS m_theme, {facet} AS m_facet, n.account_id AS m_account,
    n.call_date AS m_day, d.amount AS m_amount, d.stage AS m_stage,
    ROW_NUMBER() OVER (
        PARTITION BY a.theme_id, {facet}, n.deal_id ORDER BY n.call_date DESC
    ) AS m_first"""


def facet_figures(chunk: list[int], *, starts: figures_sql.Starts, today: dt.date) -> list[dict]:
    """The ThemeFacetFigures rows (as column values) to store for these themes: every (theme,
    tag or competitor, period) with a matching note."""
    rows = []
    keys = ("m_theme", "m_facet")
    for kind in FacetKind:
        found = figures_sql.figures_by_period(
            _matching(kind, _ROWS), [chunk], keys=keys, starts=starts, today=today, weeks=WEEKS
        )
        names = figures_sql.top_names_by_period(
            _matching(kind, "a.theme_id, {facet}, n.id, n.call_date"),
            [chunk],
            keys=keys,
            branches=NAME_BRANCHES,
            starts=starts,
            limit=TOP_NAMES,
        )
        for (theme_id, facet_id), days, fields in found:
            rows.append(
                {
                    "theme_id": theme_id,
                    "kind": kind.value,
                    "facet_id": facet_id,
                    "period_days": days,
                    "top_tags": names["tag"][days].get((theme_id, facet_id), []),
                    "top_competitors": names["competitor"][days].get((theme_id, facet_id), []),
                    **fields,
                }
            )
    return rows
