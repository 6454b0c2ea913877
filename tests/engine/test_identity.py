from insights.themes.engine.identity import NEW, decide, resolve


def test_a_group_keeps_the_theme_most_of_its_notes_were_in():
    d = decide(
        note_ids=[1, 2, 3, 4],
        labels=[0, 0, 0, 1],
        previous={1: 10, 2: 10, 3: 11},
        locked={},
        active_themes={10, 11},
    )
    assert d.theme_of_group == {0: 10, 1: None}
    assert d.note_theme == {1: 10, 2: 10, 3: 10, 4: (NEW, 1)}


def test_the_same_input_gives_the_same_decision():
    kwargs = dict(
        note_ids=[1, 2, 3, 4],
        labels=[0, 0, 1, 1],
        previous={1: 10, 2: 11, 3: 11, 4: 10},
        locked={},
        active_themes={10, 11},
    )
    assert decide(**kwargs) == decide(**kwargs)


def test_a_tie_goes_to_the_oldest_theme():
    d = decide(
        note_ids=[1, 2], labels=[0, 0], previous={1: 12, 2: 11}, locked={}, active_themes={11, 12}
    )
    assert d.theme_of_group[0] == 11


def test_a_note_a_person_pinned_stays_where_it_was_put():
    d = decide(
        note_ids=[1, 2, 3],
        labels=[0, 0, 0],
        previous={1: 10, 2: 10, 3: 20},
        locked={3: 20},
        active_themes={10, 20},
    )
    assert d.note_theme[3] == 20


def test_a_note_a_person_removed_stays_unthemed():
    d = decide(
        note_ids=[1, 2], labels=[0, 0], previous={1: 10}, locked={2: None}, active_themes={10}
    )
    assert d.note_theme[2] is None


def test_merged_themes_stay_merged_even_when_the_run_sees_two_groups():
    d = decide(
        note_ids=[1, 2, 3, 4],
        labels=[0, 0, 1, 1],
        previous={1: 10, 2: 10, 3: 11, 4: 11},
        locked={},
        active_themes={10},
        merged_into={11: 10},
    )
    assert set(d.note_theme.values()) == {10}


def test_merge_chains_are_followed():
    assert resolve(1, {1: 2, 2: 3}) == 3
    assert resolve(1, {1: 2, 2: 1}) in {1, 2}  # a cycle cannot hang the run


def test_a_note_the_run_could_not_group_keeps_its_theme():
    d = decide(note_ids=[1, 2], labels=[-1, -1], previous={1: 10}, locked={}, active_themes={10})
    assert d.note_theme == {1: 10, 2: None}


def test_themes_a_person_kept_apart_are_not_folded_together_by_a_run():
    # One group holds notes of 10 (the majority) and of 11; without the
    # decision, 11's notes would follow their group into 10.
    kwargs = dict(
        note_ids=[1, 2, 3, 4, 5],
        labels=[0, 0, 0, 0, 0],
        previous={1: 10, 2: 10, 3: 10, 4: 11, 5: 11},
        locked={},
        active_themes={10, 11},
    )
    assert decide(**kwargs).note_theme == {1: 10, 2: 10, 3: 10, 4: 10, 5: 10}
    kept = decide(**kwargs, kept_apart={frozenset((10, 11))})
    assert kept.note_theme == {1: 10, 2: 10, 3: 10, 4: 11, 5: 11}
