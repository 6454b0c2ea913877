"""Neighbours: exact for a data set of ordinary size, bucketed above it, the same every run."""

import os

import numpy as np
import pytest

from insights.themes.engine import grouping, neighbour_search


def _clustered(n, *, needs=60, dim=32, seed=0):
    """Unit vectors around `needs` centres, as notes about a few dozen needs."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(needs, dim))
    vectors = centres[rng.integers(0, needs, n)] + 0.5 * rng.normal(size=(n, dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32)


def _exact_neighbours(vectors, k):
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    return np.argsort(-sims, axis=1)[:, :k]


@pytest.fixture
def bucketed_from_2000(monkeypatch):
    monkeypatch.setattr(neighbour_search, "APPROXIMATE_FROM", 2000)


def test_below_the_threshold_the_neighbours_are_exact():
    vectors = _clustered(1500)
    assert len(vectors) < neighbour_search.APPROXIMATE_FROM
    assert (grouping.nearest_neighbours(vectors, 10) == _exact_neighbours(vectors, 10)).all()


def test_above_the_threshold_the_buckets_hold_nearly_all_exact_neighbours(bucketed_from_2000):
    vectors = _clustered(6000)
    found = grouping.nearest_neighbours(vectors, 10)
    exact = _exact_neighbours(vectors, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, exact, strict=True)])
    assert recall >= 0.95
    assert not (found == np.arange(len(vectors))[:, None]).any(), "a note is not its own neighbour"


def test_the_bucketed_search_is_used_above_the_threshold(bucketed_from_2000, monkeypatch):
    def no_exact_search_of_all_notes(queries, data, width):
        assert len(queries) < len(data), "every note was searched exactly"
        return real_exact(queries, data, width)

    real_exact = neighbour_search._exact
    monkeypatch.setattr(neighbour_search, "_exact", no_exact_search_of_all_notes)
    grouping.nearest_neighbours(_clustered(3000), 10)


def test_a_note_whose_nearest_buckets_hold_too_few_notes_is_searched_exactly(monkeypatch):
    # 300 notes in round(4·√300) = 69 buckets of about 4 notes; one bucket probed
    # cannot hold 51 neighbours.
    monkeypatch.setattr(neighbour_search, "APPROXIMATE_FROM", 100)
    monkeypatch.setattr(neighbour_search, "PROBED", 1)
    vectors = _clustered(300, needs=5)
    assert (grouping.nearest_neighbours(vectors, 51) == _exact_neighbours(vectors, 51)).all()


def test_the_bucketed_search_gives_the_same_neighbours_every_run(bucketed_from_2000):
    vectors = _clustered(5000)
    first = grouping.nearest_neighbours(vectors, 10)
    second = grouping.nearest_neighbours(vectors, 10)
    assert (first == second).all()


def test_the_bucketed_search_does_not_depend_on_the_process_thread_setting(bucketed_from_2000):
    # As for the exact search: a worker that loaded the model runs OpenMP on one thread.
    import faiss

    vectors = _clustered(5000)
    before = faiss.omp_get_max_threads()
    try:
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        as_in_a_web_process = grouping.nearest_neighbours(vectors, 10)
        faiss.omp_set_num_threads(1)
        as_in_a_worker = grouping.nearest_neighbours(vectors, 10)
    finally:
        faiss.omp_set_num_threads(before)
    assert (as_in_a_web_process == as_in_a_worker).all()
