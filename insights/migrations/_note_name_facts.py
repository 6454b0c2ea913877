"""Triggers that keep `NoteNameFacts` (insights.themes.models.facts) equal to `NoteFacts`.

A themed note has one NoteNameFacts row per tag it carries and per competitor it names
or its deal is against (one row when both), each with the note's NoteFacts columns.
The triggers sit on NoteFacts, itself written by triggers only (_note_facts.py): every
writer of notes, assignments, tags, competitors, deals and accounts reaches these rows in
its own statement and transaction without knowing of them.

Statement-level, with transition tables, as NoteFacts' own: a run that moves 5,000
notes changes their rows here in a few set-based statements. A change that keeps a
note's names (a move to another theme, a deal's new stage) updates its rows in place;
one that changes them (a tag added) replaces them.
"""

_FACTS = "insights_notefacts"
_NAMES = "insights_notenamefacts"

# Copied from a note's facts row to each of its name rows.
_COPIED = (
    "theme_id, call_date, account_id, author_id, deal_id, deal_amount, deal_stage, "
    "deal_competitor_id, segment, region, competitor_ids"
)
_COLUMNS = f"note_id, kind, name_id, {_COPIED}"


def _rows_of(facts: str, *, where: str = "TRUE") -> str:
    """The name rows of the NoteFacts rows in `facts` (a table or a transition table)."""
    copied = ", ".join(f"f.{c.strip()}" for c in _COPIED.split(","))
    return f"""
    SELECT f.note_id, names.kind, names.name_id, {copied}
    FROM {facts} f
    CROSS JOIN LATERAL (
        SELECT 'tag'::varchar AS kind, t.id AS name_id FROM unnest(f.tag_ids) t(id)
        UNION
        SELECT 'competitor', c.id
        FROM unnest(array_append(f.competitor_ids, f.deal_competitor_id)) c(id)
        WHERE c.id IS NOT NULL
    ) names
    WHERE {where}"""


# The whole table at once (the migration's backfill), each name's rows side by side in
# call-date order, the order its index keeps them in.
BACKFILL = f"""
INSERT INTO {_NAMES} ({_COLUMNS})
{_rows_of(_FACTS)}
ORDER BY 2, 3, 5;
ANALYZE {_NAMES};
"""

# A note keeps its names when its tags, named competitors and deal's competitor are the
# same before and after.
_SAME_NAMES = (
    "o.tag_ids = n.tag_ids AND o.competitor_ids = n.competitor_ids "
    "AND o.deal_competitor_id IS NOT DISTINCT FROM n.deal_competitor_id"
)

_TRIGGERS = f"""
CREATE FUNCTION insights_name_facts_inserted() RETURNS trigger AS $$
BEGIN
    INSERT INTO {_NAMES} ({_COLUMNS}) {_rows_of("new_rows")};
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION insights_name_facts_updated() RETURNS trigger AS $$
BEGIN
    -- Same names: the copied columns in place (a run's moves, a deal's or account's change).
    UPDATE {_NAMES} x SET {", ".join(f"{c.strip()} = n.{c.strip()}" for c in _COPIED.split(","))}
    FROM old_rows o JOIN new_rows n ON n.note_id = o.note_id
    WHERE x.note_id = n.note_id AND {_SAME_NAMES};
    -- Other names (a tag or competitor added or taken away): the note's rows anew.
    DELETE FROM {_NAMES} x USING old_rows o
    WHERE x.note_id = o.note_id AND NOT EXISTS (
        SELECT 1 FROM new_rows n WHERE n.note_id = o.note_id AND {_SAME_NAMES});
    INSERT INTO {_NAMES} ({_COLUMNS})
    {_rows_of("new_rows", where=f"NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n "
              f"ON n.note_id = o.note_id WHERE n.note_id = f.note_id AND {_SAME_NAMES})")};
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION insights_name_facts_deleted() RETURNS trigger AS $$
BEGIN
    DELETE FROM {_NAMES} x USING old_rows o WHERE x.note_id = o.note_id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER insights_name_facts_inserted AFTER INSERT ON {_FACTS}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_name_facts_inserted();
CREATE TRIGGER insights_name_facts_updated AFTER UPDATE ON {_FACTS}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_name_facts_updated();
CREATE TRIGGER insights_name_facts_deleted AFTER DELETE ON {_FACTS}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_name_facts_deleted();
"""

_FUNCTIONS = ["inserted", "updated", "deleted"]
# Dropping a function drops the triggers that call it.
_DROP = "".join(
    f"DROP FUNCTION IF EXISTS insights_name_facts_{name}() CASCADE;\n" for name in _FUNCTIONS
)


def install(apps, schema_editor) -> None:
    schema_editor.execute(_TRIGGERS)


def uninstall(apps, schema_editor) -> None:
    schema_editor.execute(_DROP)
