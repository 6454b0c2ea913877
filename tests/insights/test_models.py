import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from insights.notes.models import CallNote, Tag
from insights.themes.models import ClusteringRun, ThemeAssignment
from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    DealFactory,
    TagFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def test_tags_are_stored_trimmed_and_in_lower_case():
    assert Tag.objects.create(name="  Single   Sign-On ").name == "single sign-on"


def test_a_tag_differing_only_by_case_is_a_duplicate_with_a_clear_message():
    TagFactory(name="sso")
    duplicate = Tag(name="SSO")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "This tag already exists." in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="SSO")


def test_the_database_refuses_a_tag_that_is_not_normalised():
    tag = TagFactory(name="sso")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.filter(pk=tag.pk).update(name="SSO")


def test_a_note_on_a_deal_of_another_account_is_refused_with_a_clear_message(rep):
    deal = DealFactory()
    note = CallNote(
        author=rep, account=AccountFactory(), deal=deal, call_date="2026-01-01", body="x"
    )
    with pytest.raises(ValidationError) as excinfo:
        note.full_clean()
    assert excinfo.value.message_dict["deal"] == [
        "This deal belongs to another account. Pick one of this account's deals."
    ]


def test_the_database_refuses_a_note_on_a_deal_of_another_account(rep):
    deal = DealFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CallNote.objects.create(
            author=rep, account=AccountFactory(), deal=deal, call_date="2026-01-01", body="x"
        )


def test_a_note_on_a_deal_of_its_own_account_is_fine(rep):
    deal = DealFactory()
    note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
    note.full_clean()


def test_an_empty_or_blank_note_is_refused():
    note = CallNoteFactory.build(body="   ", author=None, account=None)
    with pytest.raises(ValidationError) as excinfo:
        note.full_clean(exclude=["author", "account"])
    assert "cannot be empty" in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        CallNoteFactory(body="")


def test_a_note_longer_than_ten_thousand_characters_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        CallNoteFactory(body="x" * 10_001)


def test_the_same_external_note_cannot_be_stored_twice():
    CallNoteFactory(source="salesforce", external_id="00T1")
    with pytest.raises(IntegrityError), transaction.atomic():
        CallNoteFactory(source="salesforce", external_id="00T1")
    # Notes typed in the browser have no external id and never collide.
    CallNoteFactory(source="web")
    CallNoteFactory(source="web")


def test_only_a_person_can_lock_a_note_in_or_out_of_a_theme():
    note = CallNoteFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeAssignment.objects.create(note=note, theme=ThemeFactory(), locked=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeAssignment.objects.create(note=note, theme=None, locked=False)
    removed = ThemeAssignment.objects.create(
        note=note, theme=None, locked=True, assigned_by=ThemeAssignment.AssignedBy.PERSON
    )
    assert removed.theme is None


def test_a_theme_cannot_be_merged_into_itself():
    theme = ThemeFactory()
    theme.merged_into = theme
    with pytest.raises(IntegrityError), transaction.atomic():
        theme.save()


def test_only_one_engine_run_is_active_at_a_time():
    ClusteringRun.objects.create(state=ClusteringRun.State.RUNNING)
    ClusteringRun.objects.create(state=ClusteringRun.State.SUCCEEDED)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusteringRun.objects.create(state=ClusteringRun.State.QUEUED)
