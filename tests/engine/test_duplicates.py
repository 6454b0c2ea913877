"""The rule for "probably one need", on plain vectors."""

from collections import Counter

import numpy as np

from insights.themes.engine.duplicates import (
    probable_duplicates,
    suggest,
    twins,
    typical_similarity,
)
from insights.themes.engine.tag_partners import told_apart


def _unit(rows) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _theme_around(direction, rng, n=8, spread=0.15) -> np.ndarray:
    return _unit(direction + spread * rng.standard_normal((n, len(direction))))


def _centre(vectors) -> np.ndarray:
    return _unit([vectors.mean(axis=0)])[0]


def test_a_note_is_not_counted_in_the_centre_it_is_compared_with():
    # Two orthogonal notes: each is 0.71 from their joint centre, 0 from the other.
    assert typical_similarity(_unit([[1, 0], [0, 1]])) == 0.0
    assert typical_similarity(_unit([[1, 0]])) == 1.0  # one note: a bar nothing clears


def test_two_halves_of_one_need_are_paired_and_different_needs_are_not():
    rng = np.random.default_rng(7)
    dim = 32
    need_a, need_b = np.eye(dim)[0], np.eye(dim)[1]
    notes_a, notes_b = _theme_around(need_a, rng, 16), _theme_around(need_b, rng)
    themes = [notes_a[:8], notes_a[8:], notes_b]
    centres = np.vstack([_centre(t) for t in themes])
    typical = np.asarray([typical_similarity(t) for t in themes])
    pairs = probable_duplicates(centres, typical)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
    assert pairs[0][2] >= max(typical[0], typical[1])


def test_each_theme_keeps_only_its_closest_partners():
    rng = np.random.default_rng(3)
    notes = _theme_around(np.eye(16)[0], rng, n=60, spread=0.1)
    themes = [notes[i : i + 10] for i in range(0, 60, 10)]  # six pieces of one need
    centres = np.vstack([_centre(t) for t in themes])
    typical = np.asarray([typical_similarity(t) for t in themes])
    everything = probable_duplicates(centres, typical, per_theme=5)
    assert len(everything) == 15  # every pair of the six clears the bar
    closest = probable_duplicates(centres, typical, per_theme=1)
    sims = centres @ centres.T
    np.fill_diagonal(sims, -1)
    for i in range(6):
        j = int(sims[i].argmax())
        assert any({a, b} == {i, j} for a, b, _ in closest)
    assert len(closest) <= 6


def _need_with_two_phrasings(rng, *, second_tags, others=12, dim=64):
    """Theme rows 0 and 1: two tight phrasings of one need whose centres are close
    (0.6) but not as close as each phrasing's notes (above 0.9); then `others`
    unrelated needs, each tagged with its own tag. Phrasing 0's notes are tagged
    api + limits; phrasing 1's `second_tags(i)` for its i-th note."""
    basis = np.eye(dim)
    second = 0.6 * basis[0] + 0.8 * basis[1]
    themes = [_theme_around(basis[0], rng, 10, 0.05), _theme_around(second, rng, 10, 0.05)]
    tags = [[["api", "limits"]] * 10, [second_tags(i) for i in range(10)]]
    for k in range(others):
        themes.append(_theme_around(basis[2 + k], rng, 10, 0.05))
        tags.append([[f"need-{k}"]] * 10)
    centres = np.vstack([_centre(t) for t in themes])
    typical = np.asarray([typical_similarity(t) for t in themes])
    return centres, typical, tags


def _suggested(centres, typical, tags, **kwargs):
    everyone = Counter(t for theme in tags for note in theme for t in note)
    pairs = suggest(
        centres, typical, lambda rows: {r: tags[r] for r in rows}, all_tags=everyone, **kwargs
    )
    return [(i, j) for i, j, _ in pairs]


def test_two_phrasings_of_one_need_tagged_differently_are_suggested():
    # The second phrasing's notes were tagged api + integrations, half also limits:
    # the same need's tags in other proportions, as the run's own grouping leaves them.
    centres, typical, tags = _need_with_two_phrasings(
        np.random.default_rng(11),
        second_tags=lambda i: ["api", "integrations"] + (["limits"] if i % 2 else []),
    )
    # Neither the bars nor the tag test would have paired them...
    assert (0, 1) not in [(i, j) for i, j, _ in probable_duplicates(centres, typical)]
    assert told_apart(tags[0], tags[1], seed=(0, 1))
    # ...but each is the other's closest by far, and their tags agree more than with the rest.
    assert [(i, j) for i, j, _ in twins(centres)] == [(0, 1)]
    assert _suggested(centres, typical, tags) == [(0, 1)]


def test_close_needs_the_reps_tag_differently_are_not_suggested():
    centres, typical, tags = _need_with_two_phrasings(
        np.random.default_rng(11), second_tags=lambda i: ["export", "reports"]
    )
    assert [(i, j) for i, j, _ in twins(centres)] == [(0, 1)]
    assert _suggested(centres, typical, tags) == []


def test_close_needs_without_tags_are_not_suggested_on_words_alone():
    # Neighbouring needs stand out in words too (CLINC150's intents do): without
    # the tags' agreement, standing out is not evidence of one need.
    centres, typical, tags = _need_with_two_phrasings(
        np.random.default_rng(11), second_tags=lambda i: []
    )
    tags[0] = [[]] * 10
    assert _suggested(centres, typical, tags) == []


def test_a_pair_a_person_kept_apart_is_not_suggested_again():
    centres, typical, tags = _need_with_two_phrasings(
        np.random.default_rng(11),
        second_tags=lambda i: ["api", "integrations"] + (["limits"] if i % 2 else []),
    )
    assert _suggested(centres, typical, tags, apart={frozenset((0, 1))}) == []


def test_twins_are_each_others_closest_theme_and_far_closer_than_usual():
    rng = np.random.default_rng(5)
    basis = np.eye(32)
    directions = [basis[0], 0.7 * basis[0] + 0.71 * basis[1], 0.3 * basis[1] + 0.95 * basis[2]]
    directions += [basis[3 + k] for k in range(8)]
    centres = np.vstack([_centre(_theme_around(d, rng, 10, 0.05)) for d in directions])
    # 0 and 1 are each other's closest; 2's closest is 1, but 1's is 0.
    assert [(i, j) for i, j, _ in twins(centres)] == [(0, 1)]
    assert twins(centres[:4]) == []  # four themes: no quartiles to tell "unusual" by
