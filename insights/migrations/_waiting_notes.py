"""Triggers that keep `CallNote.awaiting_theme` equal to "no assignment row exists".

A note is inserted waiting (the column's default); an assignment inserted
for it clears the flag, a deleted one sets it again. In the database rather
than in Python so that every writer (placement, full runs' bulk inserts,
triage, the admin, the demo seeder) keeps it right. PostgreSQL uses
statement-level triggers with transition tables, so a run that inserts
100,000 assignments updates the notes in one statement; SQLite (the local
fallback) uses row triggers.
"""

_NOTE = "insights_callnote"
_ASSIGNMENT = "insights_themeassignment"

_POSTGRES = f"""
CREATE OR REPLACE FUNCTION insights_assignment_inserted() RETURNS trigger AS $$
BEGIN
    UPDATE {_NOTE} n SET awaiting_theme = false
    FROM new_rows WHERE n.id = new_rows.note_id AND n.awaiting_theme;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION insights_assignment_deleted() RETURNS trigger AS $$
BEGIN
    UPDATE {_NOTE} n SET awaiting_theme = true
    FROM old_rows WHERE n.id = old_rows.note_id AND NOT n.awaiting_theme;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER insights_assignment_inserted AFTER INSERT ON {_ASSIGNMENT}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_assignment_inserted();
CREATE TRIGGER insights_assignment_deleted AFTER DELETE ON {_ASSIGNMENT}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_assignment_deleted();
UPDATE {_NOTE} n SET awaiting_theme = true
    WHERE NOT EXISTS (SELECT 1 FROM {_ASSIGNMENT} a WHERE a.note_id = n.id);
"""
_POSTGRES_DROP = f"""
DROP TRIGGER IF EXISTS insights_assignment_inserted ON {_ASSIGNMENT};
DROP TRIGGER IF EXISTS insights_assignment_deleted ON {_ASSIGNMENT};
DROP FUNCTION IF EXISTS insights_assignment_inserted();
DROP FUNCTION IF EXISTS insights_assignment_deleted();
"""
_SQLITE = [
    f"""CREATE TRIGGER insights_assignment_inserted AFTER INSERT ON {_ASSIGNMENT}
        BEGIN UPDATE {_NOTE} SET awaiting_theme = 0 WHERE id = NEW.note_id; END""",
    f"""CREATE TRIGGER insights_assignment_deleted AFTER DELETE ON {_ASSIGNMENT}
        BEGIN UPDATE {_NOTE} SET awaiting_theme = 1 WHERE id = OLD.note_id; END""",
    f"""UPDATE {_NOTE} SET awaiting_theme = 1
        WHERE NOT EXISTS (SELECT 1 FROM {_ASSIGNMENT} a WHERE a.note_id = {_NOTE}.id)""",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS insights_assignment_inserted",
    "DROP TRIGGER IF EXISTS insights_assignment_deleted",
]


def _run(schema_editor, postgres: str, sqlite: list[str]) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(postgres)
    else:
        for statement in sqlite:
            schema_editor.execute(statement)


def install(apps, schema_editor) -> None:
    _run(schema_editor, _POSTGRES, _SQLITE)


def uninstall(apps, schema_editor) -> None:
    _run(schema_editor, _POSTGRES_DROP, _SQLITE_DROP)
