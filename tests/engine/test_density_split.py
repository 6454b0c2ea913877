"""A community that holds two needs is split where it is not denser than the graph."""

import igraph as ig
import numpy as np

from insights.themes.engine import density_split, grouping


def _blobs_graph(sizes, loose_links):
    """Dense blobs (every pair linked, weight 1) and a few weak links between blobs."""
    starts = np.cumsum([0, *sizes])
    edges, weights = [], []
    for start, stop in zip(starts[:-1], starts[1:], strict=True):
        for a in range(start, stop):
            for b in range(a + 1, stop):
                edges.append((a, b))
                weights.append(1.0)
    for (blob_a, blob_b), count in loose_links.items():
        for step in range(count):
            edges.append((starts[blob_a] + step, starts[blob_b] + step))
            weights.append(0.1)
    graph = ig.Graph(n=int(starts[-1]), edges=edges)
    graph.es["weight"] = weights
    blob = np.repeat(np.arange(len(sizes)), sizes)
    return graph, blob


# Blobs 0 and 1 are two needs that modularity left in one community (0); blobs
# 2 and 3 are likewise one community (1), which the reps' tags joined with
# blob 4 (community 2) into one theme.
SIZES = [8, 8, 8, 8, 8]
LOOSE = {(0, 1): 3, (2, 3): 3, (3, 4): 2, (1, 2): 1}
COMMUNITY_OF_BLOB = np.asarray([0, 0, 1, 1, 2])


def _split(seed=0):
    graph, blob = _blobs_graph(SIZES, LOOSE)
    communities = COMMUNITY_OF_BLOB[blob]
    joined = np.where(communities == 2, 1, communities)  # the tags joined 1 and 2
    pieces = density_split.pieces(graph, communities, seed)
    labels, phrasings = density_split.split_unjoined(communities, pieces, joined)
    return blob, labels, phrasings


def test_two_needs_in_one_community_become_two_themes():
    blob, labels, _ = _split()
    assert len(set(labels[blob == 0])) == 1 and len(set(labels[blob == 1])) == 1
    assert labels[blob == 0][0] != labels[blob == 1][0]


def test_a_theme_the_tags_joined_is_not_cut_again():
    blob, labels, phrasings = _split()
    joined_theme = np.isin(blob, [2, 3, 4])
    assert len(set(labels[joined_theme])) == 1
    assert labels[blob == 2][0] != labels[blob == 0][0]
    # Its phrasings stay the communities the tags joined, for naming.
    assert len(set(phrasings[np.isin(blob, [2, 3])])) == 1
    assert phrasings[blob == 2][0] != phrasings[blob == 4][0]


def test_a_split_piece_is_its_own_phrasing():
    blob, labels, phrasings = _split()
    for piece in (0, 1):
        assert len(set(phrasings[blob == piece])) == 1
    assert phrasings[blob == 0][0] != phrasings[blob == 1][0]
    assert not set(phrasings[blob <= 1]) & set(phrasings[blob >= 2])


def test_pieces_never_cross_communities():
    graph, blob = _blobs_graph(SIZES, LOOSE)
    communities = COMMUNITY_OF_BLOB[blob]
    pieces = density_split.pieces(graph, communities, seed=0)
    for piece in np.unique(pieces):
        assert len(set(communities[pieces == piece])) == 1


def test_loosely_linked_blobs_in_one_community_each_become_a_piece():
    graph, blob = _blobs_graph(SIZES, LOOSE)
    pieces = density_split.pieces(graph, np.zeros(len(blob), dtype=np.int64), seed=0)
    assert len(set(pieces)) == len(SIZES)
    for b in range(len(SIZES)):
        assert len(set(pieces[blob == b])) == 1


def test_the_split_is_the_same_every_run():
    first, second = _split(seed=0), _split(seed=0)
    for a, b in zip(first, second, strict=True):
        assert (a == b).all()


def test_the_engine_gives_the_same_themes_and_phrasings_every_run(corpus):
    first = grouping.group_with_phrasings(corpus["vectors"], corpus["tags"])
    second = grouping.group_with_phrasings(corpus["vectors"], corpus["tags"])
    assert (first[0] == second[0]).all() and (first[1] == second[1]).all()


def test_above_the_graph_sample_a_note_takes_the_nearest_piece_of_its_community():
    # Community 0's sample split into pieces 0 (around x) and 1 (around y); community 1
    # is one piece (2, around z). The notes outside the sample follow them.
    x, y, z = np.eye(3)
    sample_vectors = np.vstack([x, x, 0.8 * x + 0.6 * y, y, y, z, z])
    communities_of_sample = np.asarray([0, 0, 0, 0, 0, 1, 1])
    pieces_of_sample = np.asarray([0, 0, 1, 1, 1, 2, 2])
    rest = np.vstack([0.2 * x + 0.98 * y, 0.98 * x + 0.2 * y, 0.1 * x + 0.99 * z])
    vectors = np.vstack([sample_vectors, rest]).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    communities, pieces = grouping._assign_to_nearest(
        vectors, communities_of_sample, pieces_of_sample, np.arange(7)
    )
    assert communities[7:].tolist() == [0, 0, 1]
    assert pieces[7:].tolist() == [1, 0, 2]
    assert (pieces[:7] == pieces_of_sample).all()


def test_above_the_graph_sample_every_phrasing_lies_in_one_theme(corpus, monkeypatch):
    monkeypatch.setattr(grouping, "GRAPH_SAMPLE", len(corpus["vectors"]) * 2 // 3)
    labels, phrasings = grouping.group_with_phrasings(corpus["vectors"], corpus["tags"])
    again = grouping.group_with_phrasings(corpus["vectors"], corpus["tags"])
    assert (labels == again[0]).all() and (phrasings == again[1]).all()
    for phrasing in np.unique(phrasings):
        assert len(set(labels[phrasings == phrasing])) == 1
