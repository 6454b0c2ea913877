"""Figures per theme and filter value (a tag, a competitor, a segment, a region, a team, a
deal stage), for all time and every period.

The dashboard filtered by one of these values (alone, or with a period) reads
these rows (ThemeFacetFigures) instead of aggregating the matching notes per
request, which at a million notes means hundreds of thousands of rows. The
statistics task computes them with the period figures, for the same chunk of
themes, in two statements per kind (figures, then top names), each note read
once for all periods (insights.themes.figures_sql).

Which notes count for a value is the live filter's rule (NoteFilter): a tag
the note carries; a competitor the note names or its deal is against — a
note naming the competitor of its own deal counts once (UNION, not UNION
ALL); its account's segment and region (an account without a region has
none); every team its author belongs to; its deal's stage (a note without a
deal has none).
"""

import datetime as dt

from accounts.models import TeamMembership
from deals.models import Account, Deal
from insights.notes.models import CallNote
from insights.themes import figures_sql
from insights.themes.figures import NAME_BRANCHES, TOP_NAMES, WEEKS
from insights.themes.models import FacetKind, ThemeAssignment

_ASSIGNMENTS = ThemeAssignment._meta.db_table
_NOTES = CallNote._meta.db_table
_DEALS = Deal._meta.db_table
_ACCOUNTS = Account._meta.db_table
_MEMBERSHIPS = TeamMembership._meta.db_table
_NOTE_TAGS = CallNote.tags.through._meta.db_table
_NOTE_COMPETITORS = CallNote.competitors.through._meta.db_table

# How each kind joins a note (n, with its deal d) to its values: `f.facet`, in text as stored.
# (A user is in a team once: membership_unique.)
_FACETS = {
    FacetKind.TAG: f"""JOIN LATERAL (
            SELECT nt.tag_id::text AS facet FROM {_NOTE_TAGS} nt WHERE nt.callnote_id = n.id
        ) f ON TRUE""",
    FacetKind.COMPETITOR: f"""JOIN LATERAL (
            SELECT nc.competitor_id::text AS facet FROM {_NOTE_COMPETITORS} nc
            WHERE nc.callnote_id = n.id
            UNION SELECT d.competitor_id::text WHERE d.competitor_id IS NOT NULL
        ) f ON TRUE""",
    FacetKind.SEGMENT: f"""JOIN LATERAL (
            SELECT acc.segment AS facet FROM {_ACCOUNTS} acc WHERE acc.id = n.account_id
        ) f ON TRUE""",
    FacetKind.REGION: f"""JOIN LATERAL (
            SELECT acc.region AS facet FROM {_ACCOUNTS} acc
            WHERE acc.id = n.account_id AND acc.region <> ''
        ) f ON TRUE""",
    FacetKind.TEAM: f"""JOIN LATERAL (
            SELECT tm.team_id::text AS facet FROM {_MEMBERSHIPS} tm
            WHERE tm.user_id = n.author_id
        ) f ON TRUE""",
    FacetKind.STAGE: """JOIN LATERAL (
            SELECT d.stage AS facet WHERE d.id IS NOT NULL
        ) f ON TRUE""",
}


def _matching(kind: FacetKind, columns: str) -> str:
    return f"""SELECT {columns.format(facet="f.facet")}
        FROM {_ASSIGNMENTS} a
        JOIN {_NOTES} n ON n.id = a.note_id
        LEFT JOIN {_DEALS} d ON d.id = n.deal_id
        {_FACETS[kind]}
        WHERE a.theme_id = ANY(%s)"""


_ROWS = """a.theme_id AS m_theme, {facet} AS m_facet, n.account_id AS m_account,
    n.call_date AS m_day, d.amount AS m_amount, d.stage AS m_stage,
    ROW_NUMBER() OVER (
        PARTITION BY a.theme_id, {facet}, n.deal_id ORDER BY n.call_date DESC
    ) AS m_first"""


def facet_figures(chunk: list[int], *, starts: figures_sql.Starts, today: dt.date) -> list[dict]:
    """The ThemeFacetFigures rows (as column values) to store for these themes: every (theme,
    kind, value, period) with a matching note."""
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
        for (theme_id, facet), days, fields in found:
            rows.append(
                {
                    "theme_id": theme_id,
                    "kind": kind.value,
                    "facet": facet,
                    "period_days": days,
                    "top_tags": names["tag"][days].get((theme_id, facet), []),
                    "top_competitors": names["competitor"][days].get((theme_id, facet), []),
                    **fields,
                }
            )
    return rows
