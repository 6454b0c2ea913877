"""Writers of assignments take turns: a person's move waits for a run's write, then wins."""

import threading
import time

import pytest
from django.db import connection, transaction

from insights.themes import note_moves
from insights.themes.models import ThemeAssignment
from insights.themes.pipeline.write_lock import hold_assignment_writes
from tests.factories import CallNoteFactory, ProductManagerFactory, ThemeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_move_made_while_a_run_is_writing_waits_and_then_applies_on_top():
    pm = ProductManagerFactory()
    source, target, engine_choice = ThemeFactory(), ThemeFactory(), ThemeFactory()
    note = CallNoteFactory()
    ThemeAssignment.objects.create(note=note, theme=source)
    run_has_turn, finished = threading.Event(), {}

    def run_writing():
        try:
            with transaction.atomic():
                hold_assignment_writes()
                run_has_turn.set()
                time.sleep(1.0)  # a long write
                ThemeAssignment.objects.filter(note=note).update(theme=engine_choice)
            finished["run"] = time.monotonic()
        finally:
            connection.close()

    def person_moving():
        try:
            run_has_turn.wait(5)
            note_moves.notes_move(note_ids=[note.pk], target=target, actor=pm)
            finished["person"] = time.monotonic()
        finally:
            connection.close()

    threads = [threading.Thread(target=run_writing), threading.Thread(target=person_moving)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)

    assert finished["person"] >= finished["run"]  # it waited for the run's turn
    assignment = ThemeAssignment.objects.get(note=note)
    assert (assignment.theme_id, assignment.locked) == (target.pk, True)  # and won


def test_the_lock_is_refused_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside a transaction"):
        hold_assignment_writes()
