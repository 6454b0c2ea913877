"""The rule for "probably one need", on plain vectors."""

import numpy as np

from insights.themes.engine.duplicates import probable_duplicates, typical_similarity


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
