"""Triggers that keep `NoteFacts` (insights.themes.models.facts) equal to what it copies.

Why triggers and not Django receivers: the rows copy five tables, and many
of their writers send no signal. A run writes assignments with bulk_create
and queryset update(); merges, merge undo and moves update assignments as
querysets; a competitor's deletion nulls its deals with an update(); the
demo seeder and imports insert in bulk. A receiver would have to be matched
by a hand-written call at each of those places, and the first one forgotten
would leave the dashboard wrong without anyone seeing it. A trigger runs in
the writer's own statement and transaction, whoever the writer is, as the
triggers that keep `CallNote.awaiting_theme` (_waiting_notes.py) already do.

How each keeps the cost where it is cheap:

- assignments (a run writes 5,000 at a time) and the tag and competitor
  links: statement-level triggers with transition tables, so one statement
  of a run changes its rows' facts in one set-based statement;
- notes, deals and accounts: row-level triggers limited to the columns the
  facts copy (`UPDATE OF ...`) and to rows where one of them changed
  (`WHEN`), so a body edit, `awaiting_theme` or a deal's name costs nothing;
- a note's insert costs nothing: it has no theme yet, and gets its row when
  placement (or a run) gives it one.

PostgreSQL only, like the GIN indexes the table is read through.
"""

_FACTS = "insights_notefacts"
_NOTE = "insights_callnote"
_ASSIGNMENT = "insights_themeassignment"
_TAGS = "insights_callnote_tags"
_COMPETITORS = "insights_callnote_competitors"
_DEAL = "deals_deal"
_ACCOUNT = "deals_account"

_COLUMNS = (
    "note_id, theme_id, call_date, account_id, author_id, deal_id, deal_amount, deal_stage, "
    "deal_competitor_id, segment, region, tag_ids, competitor_ids"
)


def _tag_ids(note: str) -> str:
    return (
        f"COALESCE((SELECT array_agg(t.tag_id ORDER BY t.tag_id) FROM {_TAGS} t "
        f"WHERE t.callnote_id = {note}), '{{}}')"
    )


def _competitor_ids(note: str) -> str:
    return (
        f"COALESCE((SELECT array_agg(c.competitor_id ORDER BY c.competitor_id) "
        f"FROM {_COMPETITORS} c WHERE c.callnote_id = {note}), '{{}}')"
    )


def _facts_of(assignments: str) -> str:
    """The facts rows of the themed rows of `assignments` (a table with note_id, theme_id)."""
    return f"""
    SELECT a.note_id, a.theme_id, n.call_date, n.account_id, n.author_id, n.deal_id,
           d.amount, d.stage, d.competitor_id, ac.segment, ac.region,
           {_tag_ids("n.id")}, {_competitor_ids("n.id")}
    FROM {assignments} a
    JOIN {_NOTE} n ON n.id = a.note_id
    JOIN {_ACCOUNT} ac ON ac.id = n.account_id
    LEFT JOIN {_DEAL} d ON d.id = n.deal_id
    WHERE a.theme_id IS NOT NULL"""


# The whole table at once (the migration's backfill): the links grouped once and
# joined, rather than looked up note by note as the triggers do for their few rows.
# Written in call-date order, the order in which later rows arrive too (a note is
# placed soon after the call it tells of): a filter with a period then reads the
# period's pages, not some rows from every page (segment + 90 days + stage at a
# million notes, EXPLAIN ANALYZE: 112 ms in note order, 51-79 ms in call-date order).
BACKFILL = f"""
INSERT INTO {_FACTS} ({_COLUMNS})
SELECT a.note_id, a.theme_id, n.call_date, n.account_id, n.author_id, n.deal_id,
       d.amount, d.stage, d.competitor_id, ac.segment, ac.region,
       COALESCE(t.ids, '{{}}'), COALESCE(c.ids, '{{}}')
FROM {_ASSIGNMENT} a
JOIN {_NOTE} n ON n.id = a.note_id
JOIN {_ACCOUNT} ac ON ac.id = n.account_id
LEFT JOIN {_DEAL} d ON d.id = n.deal_id
LEFT JOIN (SELECT callnote_id, array_agg(tag_id ORDER BY tag_id) AS ids
           FROM {_TAGS} GROUP BY callnote_id) t ON t.callnote_id = n.id
LEFT JOIN (SELECT callnote_id, array_agg(competitor_id ORDER BY competitor_id) AS ids
           FROM {_COMPETITORS} GROUP BY callnote_id) c ON c.callnote_id = n.id
WHERE a.theme_id IS NOT NULL
ORDER BY n.call_date;
ANALYZE {_FACTS};
"""

# A note has one assignment, so its row is new; should one be there all the same, it is
# replaced rather than the writer's statement failed.
_UPSERT = "ON CONFLICT (note_id) DO UPDATE SET " + ", ".join(
    f"{name} = EXCLUDED.{name}" for name in _COLUMNS.split(", ")[1:]
)

_TRIGGERS = f"""
CREATE FUNCTION insights_facts_assignment_inserted() RETURNS trigger AS $$
BEGIN
    INSERT INTO {_FACTS} ({_COLUMNS}) {_facts_of("new_rows")} {_UPSERT};
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION insights_facts_assignment_updated() RETURNS trigger AS $$
BEGIN
    -- Out of every theme (a person removed the note, or its note id changed).
    DELETE FROM {_FACTS} f USING old_rows o
    WHERE f.note_id = o.note_id AND NOT EXISTS (
        SELECT 1 FROM new_rows n WHERE n.note_id = o.note_id AND n.theme_id IS NOT NULL);
    -- Moved (a run, a move, a merge and its undo): only the theme changes.
    UPDATE {_FACTS} f SET theme_id = n.theme_id FROM new_rows n
    WHERE f.note_id = n.note_id AND n.theme_id IS NOT NULL AND f.theme_id <> n.theme_id;
    -- Into a theme from none.
    INSERT INTO {_FACTS} ({_COLUMNS})
    SELECT * FROM ({_facts_of("new_rows")}) fresh
    WHERE NOT EXISTS (SELECT 1 FROM {_FACTS} f WHERE f.note_id = fresh.note_id);
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION insights_facts_assignment_deleted() RETURNS trigger AS $$
BEGIN
    DELETE FROM {_FACTS} f USING old_rows o WHERE f.note_id = o.note_id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER insights_facts_assignment_inserted AFTER INSERT ON {_ASSIGNMENT}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_facts_assignment_inserted();
CREATE TRIGGER insights_facts_assignment_updated AFTER UPDATE ON {_ASSIGNMENT}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_facts_assignment_updated();
CREATE TRIGGER insights_facts_assignment_deleted AFTER DELETE ON {_ASSIGNMENT}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_facts_assignment_deleted();

-- A note's tags or named competitors: the arrays of the notes linked or unlinked.
CREATE FUNCTION insights_facts_tags_changed() RETURNS trigger AS $$
BEGIN
    UPDATE {_FACTS} f SET tag_ids = {_tag_ids("f.note_id")}
    WHERE f.note_id IN (SELECT callnote_id FROM changed_rows);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE FUNCTION insights_facts_competitors_changed() RETURNS trigger AS $$
BEGIN
    UPDATE {_FACTS} f SET competitor_ids = {_competitor_ids("f.note_id")}
    WHERE f.note_id IN (SELECT callnote_id FROM changed_rows);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
{
    "".join(
        f'''
CREATE TRIGGER insights_facts_{kind}_{event.lower()} AFTER {event} ON {table}
    REFERENCING {side} TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_facts_{kind}_changed();'''
        for kind, table in (("tags", _TAGS), ("competitors", _COMPETITORS))
        for event, side in (("INSERT", "NEW"), ("DELETE", "OLD"))
    )
}

-- A note's date, account, author or deal (and so its deal's and account's facts).
CREATE FUNCTION insights_facts_note_changed() RETURNS trigger AS $$
BEGIN
    UPDATE {_FACTS} f SET call_date = NEW.call_date, account_id = NEW.account_id,
        author_id = NEW.author_id, deal_id = NEW.deal_id,
        deal_amount = d.amount, deal_stage = d.stage, deal_competitor_id = d.competitor_id,
        segment = ac.segment, region = ac.region
    FROM {_ACCOUNT} ac LEFT JOIN {_DEAL} d ON d.id = NEW.deal_id
    WHERE f.note_id = NEW.id AND ac.id = NEW.account_id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER insights_facts_note_changed
    AFTER UPDATE OF call_date, account_id, author_id, deal_id ON {_NOTE}
    FOR EACH ROW WHEN (
        OLD.call_date IS DISTINCT FROM NEW.call_date
        OR OLD.account_id IS DISTINCT FROM NEW.account_id
        OR OLD.author_id IS DISTINCT FROM NEW.author_id
        OR OLD.deal_id IS DISTINCT FROM NEW.deal_id)
    EXECUTE FUNCTION insights_facts_note_changed();

CREATE FUNCTION insights_facts_deal_changed() RETURNS trigger AS $$
BEGIN
    UPDATE {_FACTS} SET deal_amount = NEW.amount, deal_stage = NEW.stage,
        deal_competitor_id = NEW.competitor_id
    WHERE deal_id = NEW.id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER insights_facts_deal_changed
    AFTER UPDATE OF amount, stage, competitor_id ON {_DEAL}
    FOR EACH ROW WHEN (
        OLD.amount IS DISTINCT FROM NEW.amount
        OR OLD.stage IS DISTINCT FROM NEW.stage
        OR OLD.competitor_id IS DISTINCT FROM NEW.competitor_id)
    EXECUTE FUNCTION insights_facts_deal_changed();

CREATE FUNCTION insights_facts_account_changed() RETURNS trigger AS $$
BEGIN
    UPDATE {_FACTS} SET segment = NEW.segment, region = NEW.region WHERE account_id = NEW.id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER insights_facts_account_changed
    AFTER UPDATE OF segment, region ON {_ACCOUNT}
    FOR EACH ROW WHEN (
        OLD.segment IS DISTINCT FROM NEW.segment OR OLD.region IS DISTINCT FROM NEW.region)
    EXECUTE FUNCTION insights_facts_account_changed();
"""

_FUNCTIONS = [
    "assignment_inserted",
    "assignment_updated",
    "assignment_deleted",
    "tags_changed",
    "competitors_changed",
    "note_changed",
    "deal_changed",
    "account_changed",
]
# Dropping a function drops the triggers that call it.
_DROP = "".join(f"DROP FUNCTION IF EXISTS insights_facts_{name}() CASCADE;\n" for name in _FUNCTIONS)


def install(apps, schema_editor) -> None:
    schema_editor.execute(_TRIGGERS)


def uninstall(apps, schema_editor) -> None:
    schema_editor.execute(_DROP)
