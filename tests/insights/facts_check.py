"""Whether every themed note's facts (NoteFacts) are what its note, deal and account say."""

from insights.themes.models import NoteFacts, ThemeAssignment

_FACT_FIELDS = [f.attname for f in NoteFacts._meta.concrete_fields]


def copied_from_the_notes() -> dict[int, tuple]:
    """What each themed note's facts must be, read from the notes, deals and accounts."""
    found = {}
    for a in ThemeAssignment.objects.filter(theme__isnull=False).select_related(
        "note__deal", "note__account"
    ):
        note, deal = a.note, a.note.deal
        found[note.pk] = (
            note.pk,
            a.theme_id,
            note.call_date,
            note.account_id,
            note.author_id,
            note.deal_id,
            deal.amount if deal else None,
            deal.stage if deal else None,
            deal.competitor_id if deal else None,
            note.account.segment,
            note.account.region,
            sorted(note.tags.values_list("pk", flat=True)),
            sorted(note.competitors.values_list("pk", flat=True)),
        )
    return found


def assert_facts_are_exact() -> None:
    stored = {row[0]: row for row in NoteFacts.objects.values_list(*_FACT_FIELDS)}
    assert stored == copied_from_the_notes()
