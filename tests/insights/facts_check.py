"""Whether every themed note's facts (NoteFacts, and NoteNameFacts under each of its names)
are what its note, deal and account say."""

from insights.themes.models import NoteFacts, NoteNameFacts, ThemeAssignment

_FACT_FIELDS = [f.attname for f in NoteFacts._meta.concrete_fields]
_NAME_FIELDS = [f.attname for f in NoteNameFacts._meta.concrete_fields]


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


def under_each_name(facts: dict[int, tuple]) -> set[tuple]:
    """The NoteNameFacts rows those facts make: one per tag, one per competitor the note
    names or its deal is against (once when both)."""
    found = set()
    for fact in facts.values():
        note, theme, day, account, author, deal, amount, stage, rival, segment, region = fact[:11]
        tags, named = fact[11], fact[12]
        copied = (theme, day, account, author, deal, amount, stage, rival, segment, region)
        names = [("tag", t) for t in tags]
        names += [("competitor", c) for c in sorted({*named, *([rival] if rival else [])})]
        for kind, name in names:
            found.add((note, kind, name, *copied, tuple(named)))
    return found


def assert_facts_are_exact() -> None:
    stored = {row[0]: row for row in NoteFacts.objects.values_list(*_FACT_FIELDS)}
    expected = copied_from_the_notes()
    assert stored == expected
    # A set: the primary key (note, kind, name) already keeps a row from being there twice.
    by_name = {
        (*row[:-1], tuple(row[-1])) for row in NoteNameFacts.objects.values_list(*_NAME_FIELDS)
    }
    assert by_name == under_each_name(expected)
