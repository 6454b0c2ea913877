import os

import numpy as np
from sklearn.metrics import adjusted_rand_score

from insights.themes.engine import grouping
from insights.themes.engine.features import combine, tag_matrix


def test_it_finds_the_needs_in_a_few_dozen_notes_without_being_told_how_many(corpus):
    labels = grouping.group(corpus["vectors"], corpus["tags"])
    themes = set(labels[labels >= 0].tolist())
    assert 4 <= len(themes) <= 9
    assert adjusted_rand_score(corpus["needs"], labels) > 0.6


def test_the_same_notes_give_the_same_themes(corpus):
    first = grouping.group(corpus["vectors"], corpus["tags"])
    second = grouping.group(corpus["vectors"], corpus["tags"])
    assert (first == second).all()


def test_themes_are_numbered_by_size():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(2, 32))
    vectors = np.vstack(
        [
            centres[0] + 0.05 * rng.normal(size=(12, 32)),
            centres[1] + 0.05 * rng.normal(size=(6, 32)),
        ]
    ).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = grouping.group(vectors, [[]] * len(vectors))
    assert (labels[:12] == 0).all() and (labels[12:] == 1).all()


def test_a_community_of_one_note_is_not_a_theme():
    tidy = grouping._tidy(np.asarray([5, 5, 5, 9, 7, 7]))
    assert tidy.tolist() == [0, 0, 0, -1, 1, 1]


def test_tags_separate_notes_whose_text_alone_is_ambiguous():
    rng = np.random.default_rng(1)
    # Twenty notes that all say much the same thing, tagged in two consistent ways.
    base = rng.normal(size=64)
    vectors = (base + 0.02 * rng.normal(size=(20, 64))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    tags = [["billing"]] * 10 + [["security"]] * 10
    labels = grouping.group(vectors, tags)
    assert len(set(labels[:10])) == 1 and len(set(labels[10:])) == 1
    assert labels[0] != labels[10]


def test_tag_spellings_are_one_tag():
    matrix = tag_matrix([["SSO"], [" sso "], ["Single  Sign-On"]])
    assert matrix.shape[1] == 2
    assert (matrix[0].toarray() == matrix[1].toarray()).all()


def test_a_note_without_tags_is_still_a_unit_vector(corpus):
    features = combine(corpus["vectors"][:2], [[], ["sso"]])
    assert np.allclose(np.linalg.norm(features, axis=1), 1.0)


def test_nearest_neighbours_are_exact_and_exclude_the_note_itself():
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(50, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    found = grouping.nearest_neighbours(vectors, 3)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    expected = np.argsort(-sims, axis=1)[:, :3]
    assert (found == expected).all()


def test_a_process_that_loaded_the_model_finds_the_same_neighbours():
    # Loading the embedding model leaves the process's OpenMP at one thread
    # (torch and faiss share it); the grouping must not depend on that.
    import faiss

    rng = np.random.default_rng(0)
    centres = rng.normal(size=(300, 128)).astype(np.float32)
    noise = rng.normal(size=(30_000, 128)).astype(np.float32)
    vectors = centres[rng.integers(0, 300, 30_000)] + 0.8 * noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    before = faiss.omp_get_max_threads()
    try:
        faiss.omp_set_num_threads(os.cpu_count() or 1)  # a process that never loaded torch
        as_in_a_web_process = grouping.nearest_neighbours(vectors, 10)
        faiss.omp_set_num_threads(1)  # what torch.set_num_threads(1) does to faiss
        as_in_a_worker = grouping.nearest_neighbours(vectors, 10)
        assert faiss.omp_get_max_threads() == 1, "the worker's own setting is given back"
    finally:
        faiss.omp_set_num_threads(before)
    assert (as_in_a_web_process == as_in_a_worker).all()
