"""Whether every themed note's facts (NoteFacts, and NoteNameFacts under each of its names)
are what its note, deal and account say."""

from insights.themes.models import NoteFacts, NoteNameFacts, ThemeAssignment

_FACT_FIELDS = [f.attname for f in NoteFacts._meta.concrete_fields]
_NAME_FIELDS = [f.attname for f in NoteNameFacts._meta.concrete_fields]


def copied_from_the_notes() -> dict[int, dict]:
    """What each themed note's facts must be, read from the notes, deals and accounts."""
    found = {}
    for a in ThemeAssignment.objects.filter(theme__isnull=False).select_related(
        "note__deal", "note__account"
    ):
        note, deal = a.note, a.note.deal
        found[note.pk] = {
            "note_id": note.pk,
            "theme_id": a.theme_id,
            "call_date": note.call_date,
            "account_id": note.account_id,
            "author_id": note.author_id,
            "deal_id": note.deal_id,
            "deal_amount": deal.amount if deal else None,
            "deal_stage": deal.stage if deal else None,
            "deal_competitor_id": deal.competitor_id if deal else None,
            "segment": note.account.segment,
            "region": note.account.region,
            "tag_ids": sorted(note.tags.values_list("pk", flat=True)),
            "competitor_ids": sorted(note.competitors.values_list("pk", flat=True)),
        }
    return found


def under_each_name(facts: dict[int, dict]) -> set[tuple]:
    """The NoteNameFacts rows those facts make, as tuples of _NAME_FIELDS: one per tag, one
    per competitor the note names or its deal is against (once when both)."""
    found = set()
    for fact in facts.values():
        rival = fact["deal_competitor_id"]
        names = [("tag", t) for t in fact["tag_ids"]]
        names += [
            ("competitor", c) for c in sorted({*fact["competitor_ids"], *([rival] * bool(rival))})
        ]
        for kind, name in names:
            row = {**fact, "kind": kind, "name_id": name}
            found.add(tuple(_hashable(row[field]) for field in _NAME_FIELDS))
    return found


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def assert_facts_are_exact() -> None:
    stored = {row["note_id"]: row for row in NoteFacts.objects.values(*_FACT_FIELDS)}
    expected = copied_from_the_notes()
    assert stored == expected
    # A set: the primary key (note, kind, name) already keeps a row from being there twice.
    by_name = {
        tuple(_hashable(value) for value in row)
        for row in NoteNameFacts.objects.values_list(*_NAME_FIELDS)
    }
    assert by_name == under_each_name(expected)
