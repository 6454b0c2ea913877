"""The notes' own words tell apart requests whose meaning vectors coincide."""

import numpy as np
from sklearn.metrics import adjusted_rand_score

from insights.themes.engine import grouping, words


def _blurred_requests():
    """Twenty notes a sentence model puts in one place, said in two sets of words."""
    rng = np.random.default_rng(3)
    base = rng.normal(size=64)
    vectors = (base + 0.02 * rng.normal(size=(20, 64))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [f"please refund my order number {i}" for i in range(10)] + [
        f"refund still not showing up on my statement {i}" for i in range(10)
    ]
    return vectors, texts


def test_words_separate_requests_the_meaning_vectors_blur():
    vectors, texts = _blurred_requests()
    labels = grouping.group(vectors, [[]] * 20, texts=texts)
    assert len(set(labels[:10])) == 1 and len(set(labels[10:])) == 1
    assert labels[0] != labels[10]


def test_without_texts_the_grouping_is_by_meaning_and_tags_alone(corpus):
    assert (
        grouping.group(corpus["vectors"], corpus["tags"])
        == grouping.group(corpus["vectors"], corpus["tags"], texts=None)
    ).all()


def test_the_corpus_is_still_grouped_by_need_with_its_words(corpus):
    labels = grouping.group(corpus["vectors"], corpus["tags"], texts=corpus["texts"])
    assert adjusted_rand_score(corpus["needs"], labels) > 0.6
    again = grouping.group(corpus["vectors"], corpus["tags"], texts=corpus["texts"])
    assert (labels == again).all()


def test_texts_can_be_read_for_the_rows_the_graph_needs_only(corpus):
    asked = []

    def texts_of(rows):
        asked.append(np.asarray(rows).copy())
        return [corpus["texts"][i] for i in rows]

    by_function = grouping.group(corpus["vectors"], corpus["tags"], texts=texts_of)
    by_list = grouping.group(corpus["vectors"], corpus["tags"], texts=corpus["texts"])
    assert (by_function == by_list).all()
    assert len(asked) == 1 and len(asked[0]) == len(corpus["texts"])


def test_a_word_said_once_links_no_notes_and_no_shared_word_means_no_word_vectors():
    assert words.word_rows(["alpha beta", "gamma delta"]) is None
    rows = words.word_rows(["refund please", "refund now", "unique words"])
    assert rows.shape[1] == 1  # only "refund" is in two notes
    assert rows[2].nnz == 0


def test_words_reorder_neighbours_only_among_the_nearest_by_meaning():
    rng = np.random.default_rng(4)
    vectors = rng.normal(size=(60, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [f"word{i % 3} shared{i % 2}" for i in range(60)]
    found = grouping.nearest_neighbours(vectors, 3, words.word_rows(texts))
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    pool = np.argsort(-sims, axis=1)[:, : 3 * words.POOL]
    assert all(set(f) <= set(p) for f, p in zip(found, pool, strict=True))
    assert (found != np.arange(60)[:, None]).all()
