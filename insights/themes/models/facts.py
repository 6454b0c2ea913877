"""What the dashboard's filters and figures read of each themed note, in one narrow row."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

# What a dashboard filter combination reads of a row besides the value it is led by:
# the other scalar filters (a team is a condition on the author) and the figures'
# columns (insights.themes.figures.theme_figures_by_period). Not the tag and
# competitor arrays: as wide as the rest of the row together, they would double the
# index for filters a GIN index already finds.
COVERED = (
    "segment",
    "region",
    "deal_stage",
    "author_id",
    "theme_id",
    "account_id",
    "deal_id",
    "deal_amount",
)


def _covering(column: str, *, name: str) -> models.Index:
    """An index on `column` and the call date that also holds the rest of COVERED."""
    return models.Index(
        fields=[column, "call_date"],
        include=[c for c in COVERED if c != column],
        name=name,
    )


class NoteColumns(models.Model):
    """What NoteFacts and NoteNameFacts copy of a themed note: its theme, call date,
    account, author and deal, the deal's amount, stage and competitor, the account's
    segment and region, and the competitors the note names."""

    theme_id = models.BigIntegerField()
    call_date = models.DateField()
    account_id = models.BigIntegerField()
    author_id = models.BigIntegerField()
    deal_id = models.BigIntegerField(null=True)
    deal_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    deal_stage = models.CharField(max_length=20, null=True)
    deal_competitor_id = models.BigIntegerField(null=True)
    segment = models.CharField(max_length=12)
    region = models.CharField(max_length=10)
    competitor_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta:
        abstract = True


# What NoteNameFacts' indexes hold besides their keys: COVERED, and the competitor columns
# a tag's rows are filtered by (tag + competitor).
NAME_COVERED = [*COVERED, "deal_competitor_id", "competitor_ids"]


class NoteFacts(NoteColumns):
    """One themed note with everything a dashboard filter or figure reads of it.

    A copy, flattened: the note's theme, call date, account, author and deal,
    its deal's amount, stage and competitor, its account's segment and region,
    and the ids of its tags and of the competitors it names. A filter
    combination (a tag with a segment, a stage with a competitor ...) is then
    one scan of this table instead of joins of notes, assignments, deals,
    accounts and the tag and competitor links (insights.themes.figures,
    `FACTS`). A team is not stored: it is the set of its members, asked for
    as a condition on `author_id` when the query runs.

    Only notes in a theme have a row. Written by database triggers only
    (insights/migrations/_note_facts.py), never by Django: every writer of the
    tables it copies (the form, the API, imports, the admin, a run's bulk
    writes, triage's queryset updates) keeps it right in its own transaction.
    No foreign keys: the triggers are what ties it to its sources, and a key
    would cost every write a check and every delete a look-up here.
    """

    note_id = models.BigIntegerField(primary_key=True)
    tag_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta:
        indexes = [
            # The filters: a tag or a named competitor (an array holds it), a deal's
            # competitor, stage, a segment, a region, a team's authors, a period.
            GinIndex(fields=["tag_ids"], name="facts_tags_gin"),
            GinIndex(fields=["competitor_ids"], name="facts_competitors_gin"),
            models.Index(
                fields=["deal_competitor_id"],
                condition=models.Q(deal_competitor_id__isnull=False),
                name="facts_deal_competitor_idx",
            ),
            # With the call date second: a combination with a period (segment + 90 days +
            # stage) reads the period's rows of the value, not every row of it (cold at
            # 100k notes: 662 pages read instead of 2,005). Equality alone is served too.
            models.Index(fields=["deal_stage", "call_date"], name="facts_stage_day_idx"),
            models.Index(fields=["segment", "call_date"], name="facts_segment_day_idx"),
            models.Index(fields=["region", "call_date"], name="facts_region_day_idx"),
            # Stage, segment and region each have a handful of values, so one value holds
            # a large share of the notes, one or two to a table page. The same keys again,
            # also holding the other scalar filters and what the figures read (COVERED):
            # a combination of those filters is answered from the index alone, not from a
            # table page per matching note (docs/performance.md, session 10). The narrow
            # indexes above stay for the top tags and competitors of the rows shown, which
            # read the tag arrays from the table: there the planner ANDs a narrow index
            # with the themes' and a tag's (keys only; these are nine times their size).
            _covering("deal_stage", name="facts_stage_day_cover"),
            _covering("segment", name="facts_segment_day_cover"),
            _covering("region", name="facts_region_day_cover"),
            models.Index(fields=["author_id", "call_date"], name="facts_author_day_idx"),
            models.Index(fields=["call_date"], name="facts_call_date_idx"),
            # The top tags and competitors of the rows shown: their few themes' notes only.
            # Carrying the call date and note: a page of a theme's notes, latest call first,
            # is sorted from the index alone (selectors.theme_notes_page). Included, not
            # keyed: keyed, the planner took it for "these themes since the period's start"
            # instead of combining the theme with the filters' indexes (7,088 buffers
            # instead of 1,418 for one combination's top names at 1M).
            models.Index(
                fields=["theme_id"], include=["call_date", "note_id"], name="facts_theme_cover"
            ),
            # The triggers: a deal's or an account's change reaches its notes' rows.
            models.Index(fields=["deal_id"], name="facts_deal_idx"),
            models.Index(fields=["account_id"], name="facts_account_idx"),
        ]

    def __str__(self) -> str:
        return f"note {self.note_id} in theme {self.theme_id}"


class NoteNameFacts(NoteColumns):
    """One themed note under one of its names: a tag it carries, or a competitor it names
    or its deal is against (one row for both).

    A note's NoteFacts row again, per name, for the combinations that start from a tag or a
    competitor (tag + segment, competitor + stage, tag + competitor). In NoteFacts those
    notes are found through a GIN index, and each is then a table page of its own: at a
    million notes a busy tag's 11,419 notes with a segment were 8,729 pages read. Here a
    name's notes sit side by side in one index that also holds what the figures and the
    other filters read (`facts_name_day_cover`; with a stage, `facts_name_stage_day_cover`),
    so they are read from it alone. The competitor columns come along for a tag's rows
    (tag + competitor); a competitor's rows need no tags, because a combination with a tag
    starts from the tag.

    Written by triggers on NoteFacts only (insights/migrations/_note_name_facts.py): every
    writer of NoteFacts is a trigger already, so this copy follows it in the same
    transaction, whoever changed the note.
    """

    class Kind(models.TextChoices):
        TAG = "tag"
        COMPETITOR = "competitor"

    pk = models.CompositePrimaryKey("note_id", "kind", "name_id")
    note_id = models.BigIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name_id = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["kind", "name_id", "call_date"],
                include=NAME_COVERED,
                name="facts_name_day_cover",
            ),
            # A name with a deal stage (competitor + stage: where in the pipeline we meet
            # them): a stage holds about an eighth of a name's notes, and with the call date
            # second the index above reads all of the name's rows to keep those (118,499 of
            # a competitor's rows for 16,265 at a million notes). Keyed by the stage too, it
            # reads only those. The period stays last, so a stage with a period reads that
            # period's rows of it. Holding the note too: the top names of the themes shown
            # find their notes here (figures._with_names).
            models.Index(
                fields=["kind", "name_id", "deal_stage", "call_date"],
                include=[*(c for c in NAME_COVERED if c != "deal_stage"), "note_id"],
                name="facts_name_stage_day_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"note {self.note_id} under {self.kind} {self.name_id}"
