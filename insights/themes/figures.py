"""The figures of themes, defined once and computed in SQL, grouped by theme.

The statistics cache (pipeline.stats), the filtered dashboard and the theme
page all call theme_figures(); only the set of themes and the note-level
filter differ. Definitions (docs/definitions.md):

- notes: notes assigned to the theme (and matching the filter);
- accounts: distinct accounts of those notes;
- revenue at stake / lost / won: the sum of the amounts of the *distinct*
  open / closed-lost / closed-won deals with at least one of those notes —
  a deal with five notes counts once;
- stage-weighted pipeline: the same open deals, each amount times the
  weight of its stage (deals.models.STAGE_WEIGHTS);
- weekly mentions: notes per calendar week (Monday first), oldest first,
  ending with this week, by call date — over every period: a period
  filter counts only for the figures above;
- last mentioned: the latest call date;
- growth: mentions in the last 4 weeks against the 4 weeks before.

A filter never turns into a list of note ids: it is a condition on the
rows the notes are read from, one row per note, so that a note is never
counted twice. Three sources of those rows give the same figures:

- ASSIGNMENTS, the assignment rows joined to notes, deals and accounts, with
  many-valued relations (tags, competitors, teams) as subqueries: the
  statistics task and the theme page, which read whole themes;
- FACTS, one NoteFacts row per themed note with everything a filter or a
  figure reads, tags and competitors as arrays: the dashboard's filter
  combinations, one scan of one table through its indexes, without joins;
- NAMED, the same rows again under each tag and competitor of the note: the
  combinations with a tag or a competitor, read from one index alone
  (`facts_for` picks; models.facts.NoteNameFacts says why).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet
from django.db.models import F, Model, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.models import TeamMembership
from deals.models import Competitor
from feedbackhub import periods
from insights.notes.models import CallNote, Tag
from insights.themes import figures_sql
from insights.themes.models import NoteFacts, NoteNameFacts, ThemeAssignment

WEEKS = 26  # the weekly series kept on each theme
TOP_NAMES = 3
_ZERO = Decimal("0")


@dataclass
class NoteFilter:
    """Which notes count: every field optional, all given ones must hold."""

    period: str = ""  # a feedbackhub.periods key; "" is all time
    segment: str = ""
    region: str = ""
    team: int | None = None  # the note's author is in this team
    tag: str = ""
    stage: str = ""  # of the note's deal
    competitor: int | None = None  # named in the note, or the competitor of its deal

    @property
    def on_notes(self) -> bool:
        return any(
            [
                self.period in periods.BY_KEY,
                self.segment,
                self.region,
                self.team,
                self.tag,
                self.stage,
                self.competitor,
            ]
        )

    def assignments_q(self, *, today: dt.date) -> Q:
        """The filter as a condition on ThemeAssignment rows (one row per note)."""
        q = Q()
        start = periods.since(self.period, today=today)
        if start:
            q &= Q(note__call_date__gte=start)
        if self.segment:
            q &= Q(note__account__segment=self.segment)
        if self.region:
            q &= Q(note__account__region=self.region)
        if self.team:
            members = TeamMembership.objects.filter(team_id=self.team).values("user_id")
            q &= Q(note__author_id__in=members)
        if self.tag:
            tagged = CallNote.tags.through.objects.filter(tag__name=self.tag)
            q &= Q(note_id__in=tagged.values("callnote_id"))
        if self.stage:
            q &= Q(note__deal__stage=self.stage)
        if self.competitor:
            named = CallNote.competitors.through.objects.filter(competitor_id=self.competitor)
            q &= Q(note_id__in=named.values("callnote_id")) | Q(
                note__deal__competitor_id=self.competitor
            )
        return q

    def facts_q(self, *, today: dt.date) -> Q:
        """The same filter as a condition on NoteFacts rows (one row per themed note)."""
        q = self._scalar_facts_q(today)
        if self.tag:
            # Overlap with the tag's id, not containment: an unknown name is an empty
            # array, which every row contains and none overlaps.
            named = ArraySubquery(Tag.objects.filter(name=self.tag).values("pk"))
            q &= Q(tag_ids__overlap=named)
        if self.competitor:
            q &= self._competitor_facts_q()
        return q

    def name_facts_q(self, *, today: dt.date) -> Q:
        """The filter as a condition on NoteNameFacts rows: the rows of its tag (an unknown
        tag has none), else of its competitor, one per note. Without either, a note has a
        row per name and would be counted as many times: refused."""
        if not (self.tag or self.competitor):
            raise ValueError("Rows per name count a note once only under a tag or competitor.")
        q = self._scalar_facts_q(today)
        if self.tag:
            # The tag's id as a value in the index condition, not a join with the tags.
            tag = Subquery(Tag.objects.filter(name=self.tag).values("pk")[:1])
            q &= Q(kind=NoteNameFacts.Kind.TAG, name_id=tag)
            if self.competitor:
                q &= self._competitor_facts_q()
        else:
            q &= Q(kind=NoteNameFacts.Kind.COMPETITOR, name_id=self.competitor)
        return q

    def _scalar_facts_q(self, today: dt.date) -> Q:
        q = Q()
        start = periods.since(self.period, today=today)
        if start:
            q &= Q(call_date__gte=start)
        if self.segment:
            q &= Q(segment=self.segment)
        if self.region:
            q &= Q(region=self.region)
        if self.team:
            members = TeamMembership.objects.filter(team_id=self.team).values("user_id")
            q &= Q(author_id__in=members)
        if self.stage:
            q &= Q(deal_stage=self.stage)
        return q

    def _competitor_facts_q(self) -> Q:
        return Q(competitor_ids__contains=[self.competitor]) | Q(deal_competitor_id=self.competitor)


@dataclass(frozen=True)
class NoteRows:
    """Where the figures read the matching notes from: the table, how a filter reads on
    it, and the paths to what the figures read of a note."""

    model: type[Model]
    condition: Callable[..., Q]  # NoteFilter's method: the filter as a condition on `model`
    account: str
    day: str
    deal: str
    amount: str
    stage: str
    names: tuple[str, ...] = ()  # the arrays of tag and competitor ids, where a row has them

    def matching(self, themes, notes: "NoteFilter | None", today: dt.date) -> QuerySet:
        # A queryset stays a subquery; ids (a chunk of themes, never notes) are a list.
        ids = themes.values("pk") if isinstance(themes, QuerySet) else sorted(set(themes))
        # No filter is the empty one, which every source but NAMED reads as "every note".
        scope = Q(theme_id__in=ids) & self.condition(notes or NoteFilter(), today=today)
        return self.model.objects.filter(scope)


ASSIGNMENTS = NoteRows(
    ThemeAssignment,
    NoteFilter.assignments_q,
    account="note__account_id",
    day="note__call_date",
    deal="note__deal_id",
    amount="note__deal__amount",
    stage="note__deal__stage",
)
FACTS = NoteRows(
    NoteFacts,
    NoteFilter.facts_q,
    account="account_id",
    day="call_date",
    deal="deal_id",
    amount="deal_amount",
    stage="deal_stage",
    names=("tag_ids", "competitor_ids"),
)

# A tag's or competitor's notes from the rows kept per name: read from one index alone,
# where in FACTS each would be a table page (models.facts.NoteNameFacts). Its rows carry
# no tag arrays: the top names of the rows shown read FACTS rows (found through these
# when there is a deal stage, `_with_names`).
NAMED = replace(FACTS, model=NoteNameFacts, condition=NoteFilter.name_facts_q, names=())


def facts_for(notes: NoteFilter) -> NoteRows:
    """Where the dashboard reads a live filter's figures from: the rows kept per name when
    the filter has a tag or a competitor, else one row per note."""
    return NAMED if notes.tag or notes.competitor else FACTS


@dataclass
class Figures:
    """One theme's figures; the field names are those of the cache on Theme."""

    note_count: int = 0
    account_count: int = 0
    last_mentioned_on: dt.date | None = None
    open_revenue: Decimal = _ZERO
    lost_revenue: Decimal = _ZERO
    won_revenue: Decimal = _ZERO
    weighted_revenue: Decimal = _ZERO
    weekly_mentions: list[int] = field(default_factory=lambda: [0] * WEEKS)
    top_tags: list[str] = field(default_factory=list)
    top_competitors: list[str] = field(default_factory=list)

    @property
    def growth(self) -> float | None:
        return growth(self.weekly_mentions)


def packed(figures_of: dict[int, Figures]) -> list[tuple]:
    """Figures per theme as ints and strings, for a cache: money as its exact decimal text,
    a date as its day number. Pickled as Decimals and dates, the figures of 1,948 themes (a
    combination at a million notes, where most themes have matching notes) took 6.4 ms to
    write and 11.9 ms to read back; packed, 1.3 ms to pack and write, 5.4 ms to read and
    unpack (benchmarks/figures_cache.py)."""
    return [
        (
            theme_id,
            f.note_count,
            f.account_count,
            f.last_mentioned_on.toordinal() if f.last_mentioned_on else 0,
            str(f.open_revenue),
            str(f.lost_revenue),
            str(f.won_revenue),
            str(f.weighted_revenue),
            tuple(f.weekly_mentions),
            tuple(f.top_tags),
            tuple(f.top_competitors),
        )
        for theme_id, f in figures_of.items()
    ]


def unpacked(rows: list[tuple]) -> dict[int, Figures]:
    """What `packed` was given."""
    return {
        theme_id: Figures(
            note_count=notes,
            account_count=accounts,
            last_mentioned_on=dt.date.fromordinal(day) if day else None,
            open_revenue=Decimal(open_),
            lost_revenue=Decimal(lost),
            won_revenue=Decimal(won),
            weighted_revenue=Decimal(weighted),
            weekly_mentions=list(weekly),
            top_tags=list(tags),
            top_competitors=list(rivals),
        )
        for theme_id, notes, accounts, day, open_, lost, won, weighted, weekly, tags, rivals in rows
    }


# The fewest mentions in the earlier four weeks for a percentage to mean
# something: below it one note more or less swings the figure by tens of
# percent ("1 → 10" is "+900%"). See docs/definitions.md, Growth.
GROWTH_MIN_BASE = 5


def growth(weekly: Iterable[int]) -> float | None:
    """Last 4 weeks against the 4 before, as a ratio (0.5 = +50%).

    Infinity ("new") when only the last 4 weeks have mentions; None ("—")
    when neither has, or when the earlier four weeks have fewer than
    GROWTH_MIN_BASE mentions, too few for a percentage to mean anything.
    """
    values = list(weekly or [])
    recent, before = sum(values[-4:]), sum(values[-8:-4])
    if before == 0:
        return None if recent == 0 else float("inf")
    if before < GROWTH_MIN_BASE:
        return None
    return (recent - before) / before


def theme_figures(
    *,
    themes: Iterable[int] | QuerySet,
    notes: NoteFilter | None = None,
    weeks: int = WEEKS,
    today: dt.date | None = None,
    top_names: bool = False,
    rows: NoteRows = ASSIGNMENTS,
) -> dict[int, Figures]:
    """The figures of `themes` (ids or a Theme queryset), counting only `notes`.

    Themes without a matching note are left out (Figures() is their value).
    One query, two with `top_names`, whatever the number of notes. `rows` is
    where the notes are read from (the figures are the same).
    """
    today = today or timezone.localdate()
    start = periods.since(notes.period, today=today) if notes is not None else None
    if start:
        # The period picks the notes the totals count, not the trend: the weekly series (and
        # growth) reads every note matching the other filters, as the stored figures do.
        notes = replace(notes, period="")
    return theme_figures_by_period(
        themes=themes,
        notes=notes,
        starts={"": start},
        weeks=weeks,
        today=today,
        top_names=top_names,
        rows=rows,
    )[""]


def theme_figures_by_period(
    *,
    themes: Iterable[int] | QuerySet,
    starts: figures_sql.Starts,
    notes: NoteFilter | None = None,
    weeks: int = WEEKS,
    today: dt.date | None = None,
    top_names: bool = False,
    rows: NoteRows = ASSIGNMENTS,
) -> dict[object, dict[int, Figures]]:
    """theme_figures for several periods at once: {period key: {theme id: Figures}}.

    `starts` maps each period key to its first call date (None: all time). The
    matching notes are read once for all periods (figures_sql); a theme is
    left out of a period it has no matching note in.
    """
    today = today or timezone.localdate()
    if not isinstance(themes, QuerySet):
        themes = sorted(set(themes))  # read twice with top_names
    found: dict[object, dict[int, Figures]] = {key: {} for key in starts}
    matching = rows.matching(themes, notes, today)
    oldest = _oldest_day_counted(starts, today, weeks)
    if oldest:
        matching = matching.filter(**{f"{rows.day}__gte": oldest})
    matching = matching.annotate(
        m_theme=F("theme_id"),
        m_account=F(rows.account),
        m_day=F(rows.day),
        m_amount=F(rows.amount),
        m_stage=F(rows.stage),
        m_first=Window(
            RowNumber(), partition_by=[F("theme_id"), F(rows.deal)], order_by=F(rows.day).desc()
        ),
    )
    matching = matching.values("m_theme", "m_account", "m_day", "m_amount", "m_stage", "m_first")
    try:
        rows_sql, rows_params = matching.query.sql_with_params()
    except EmptyResultSet:  # no theme asked for
        return found
    for (theme_id,), key, fields in figures_sql.figures_by_period(
        rows_sql, rows_params, keys=("m_theme",), starts=starts, today=today, weeks=weeks
    ):
        found[key][theme_id] = Figures(**fields)
    if top_names:
        names = _top_names(themes, notes, today, starts, TOP_NAMES, rows)
        for key, figures_of in found.items():
            for theme_id, figures in figures_of.items():
                figures.top_tags = names["tag"][key].get((theme_id,), [])
                figures.top_competitors = names["competitor"][key].get((theme_id,), [])
    return found


def _oldest_day_counted(starts: figures_sql.Starts, today: dt.date, weeks: int) -> dt.date | None:
    """The first call date any figure asked for counts, or None when every note counts.

    When every period has a start, an older note is in no period and no week of the series;
    and leaving it out changes no other figure (a deal's latest note, the latest call date
    are those of the newer notes as soon as one is counted). A period's figures at a
    million notes then read that period's notes, not every note.
    """
    if not starts or any(start is None for start in starts.values()):
        return None
    return min([*starts.values(), periods.week_starts(today, weeks)[0]])


def theme_top_names(
    *,
    themes: Iterable[int] | QuerySet,
    notes: NoteFilter | None = None,
    today: dt.date | None = None,
    limit: int = TOP_NAMES,
    rows: NoteRows = ASSIGNMENTS,
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The most frequent tags and competitors among each theme's matching notes.

    One query: the matching notes are found once for both. Ties go to the name
    first in alphabetical order.
    """
    names = _top_names(themes, notes, today or timezone.localdate(), {"": None}, limit, rows)
    tags, rivals = names["tag"][""], names["competitor"][""]
    return (
        {key[0]: value for key, value in tags.items()},
        {key[0]: value for key, value in rivals.items()},
    )


# (kind, how a matching note `m` reaches its names, the name's id there, the names' table):
# through the tables linking notes to tags and competitors ...
NAME_BRANCHES = [
    (
        kind,
        f"JOIN {through._meta.db_table} t ON t.callnote_id = m.m_note",
        f"t.{column}",
        model._meta.db_table,
    )
    for kind, through, column, model in [
        ("tag", CallNote.tags.through, "tag_id", Tag),
        ("competitor", CallNote.competitors.through, "competitor_id", Competitor),
    ]
]
# ... or, for NoteFacts, from the row's own arrays of ids: the pages the figures just read,
# not the link tables' (a cold combination read 430 more pages of them at 100k notes).
FACT_NAME_BRANCHES = [
    (kind, f"CROSS JOIN LATERAL unnest(m.m_{kind}s) t(id)", "t.id", model._meta.db_table)
    for kind, model in [("tag", Tag), ("competitor", Competitor)]
]


def _top_names(
    themes, notes: NoteFilter | None, today: dt.date, starts, limit: int, rows: NoteRows
):
    matching, rows = _with_names(rows, themes, notes, today)
    matching = matching.values("theme_id", "note_id", rows.day, *rows.names)
    empty = {"tag": defaultdict(dict), "competitor": defaultdict(dict)}
    try:
        matching_sql, params = matching.query.sql_with_params()
    except EmptyResultSet:  # no theme asked for
        return empty
    found = figures_sql.top_names_by_period(
        matching_sql,
        params,
        keys=("m_theme",),
        branches=FACT_NAME_BRANCHES if rows.names else NAME_BRANCHES,
        starts=starts,
        limit=limit,
        columns=("m_tags", "m_competitors") if rows.names else (),
    )
    return {kind: found.get(kind, empty[kind]) for kind in empty}


def _with_names(
    rows: NoteRows, themes, notes: NoteFilter | None, today: dt.date
) -> tuple[QuerySet, NoteRows]:
    """The matching rows as rows that carry the notes' tags and competitors, and their
    source: `rows` itself, or FACTS for NAMED (whose rows carry none).

    A name with a deal stage finds its notes in the rows per name, keyed by both (their
    index holds the note), then their FACTS rows by primary key: a few hundred look-ups
    for the themes shown. Found in FACTS, they were an intersection of bitmaps of every
    note of those themes, of the name and of the stage (250,000 entries for 564 notes at a
    million notes, docs/performance.md, session 11). Without a stage the rows per name are
    keyed by the name alone and would read all of its rows; there the bitmaps cost no more.
    """
    if rows is not NAMED:
        return rows.matching(themes, notes, today), rows
    if notes is not None and notes.stage:
        found = NAMED.matching(themes, notes, today).values("note_id")
        return NoteFacts.objects.filter(note_id__in=found), FACTS
    return FACTS.matching(themes, notes, today), FACTS
