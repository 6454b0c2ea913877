"""Fresh planner statistics for the tables a full run rewrote.

A first run at a million notes moved 998,322 of them from 2,000 themes into 178. The
statistics phase that follows at once (theme pages, evidence) was then planned with the
old distribution, about 500 notes a theme instead of 5,600, and one of its statements
ran for more than four minutes instead of 2.4 s (docs/theme-engine.md, session 11).
PostgreSQL's autovacuum analyzes a table once a tenth of it changed, but only after the
run's transaction commits and its next round comes: too late for the statements that
read the new themes right after. So a run that changed as much analyzes them itself,
by the same bar.
"""

from django.db import connection

from insights.themes.models import NoteFacts, NoteNameFacts, ThemeAssignment

# What a run's writes change wholesale: the assignments, and the facts their triggers keep.
REWRITTEN = tuple(m._meta.db_table for m in (ThemeAssignment, NoteFacts, NoteNameFacts))
# PostgreSQL's own bar (autovacuum_analyze_scale_factor): a tenth of the rows changed.
CHANGED_SHARE = 0.1


def refresh_after_run(*, changed: int, notes: int) -> bool:
    """ANALYZE the rewritten tables when a tenth or more of the notes changed theme;
    returns whether it did. A few hundred milliseconds at a million notes (a sample)."""
    if connection.vendor != "postgresql" or not notes or changed < notes * CHANGED_SHARE:
        return False
    with connection.cursor() as cursor:
        for table in REWRITTEN:
            cursor.execute(f"ANALYZE {table}")
    return True
