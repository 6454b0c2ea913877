"""Split a community that holds two needs: it must be denser than the graph as a whole.

Modularity at resolution 1 asks of a community that its notes be more densely
linked than chance, where chance is the configuration model: each note keeps
its total link weight. In a k-nearest-neighbour graph every note has at least
k links by construction, so that null charges a community for the weight its
notes carry rather than for its number of notes, and two needs whose notes
are loosely knit can sit in one community together (docs/theme-engine.md,
session 7: the merged communities are the loosely knit ones).

The Constant Potts Model reads "more densely linked than chance" with the
uniform null instead: a set of notes is a community when the weight inside it
exceeds the resolution times its number of note pairs. With the resolution
set to the graph's own weighted density (total edge weight / number of note
pairs), the bar is "denser than the graph as a whole" — what chance gives
when every pair of notes is equally likely to be linked. Nothing is fitted:
the bar is read from the graph being grouped.

CPM is local: its optimum inside a community does not depend on the rest of
the graph. So each community is split where CPM, on that community's own
links, splits it, and pieces of different communities are never merged. One
CPM run over the graph with the links between communities removed does this
for all communities at once (with no link between two sets, joining them
only costs), so the cost is one more Leiden pass over the graph.

Themes the reps' tags joined from several communities are not cut again
(`split_unjoined`): there the tags already said several phrasings are one
need, and a density difference inside is a difference of phrasing.
"""

import numpy as np


def density(graph) -> float:
    """Total edge weight over the number of note pairs."""
    n = graph.vcount()
    if n < 2:
        return 0.0
    return 2 * float(sum(graph.es["weight"])) / (n * (n - 1))


def pieces(graph, communities: np.ndarray, seed: int) -> np.ndarray:
    """Each note's piece: its community split where CPM at the graph's density splits it.

    Every piece lies inside one community; piece numbers are 0.. over the graph.
    """
    import leidenalg

    communities = np.asarray(communities, dtype=np.int64)
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    inside = communities[edges[:, 0]] == communities[edges[:, 1]]
    own_links = graph.subgraph_edges(np.flatnonzero(inside).tolist(), delete_vertices=False)
    found = leidenalg.find_partition(
        own_links,
        leidenalg.CPMVertexPartition,
        weights="weight",
        resolution_parameter=density(graph),
        seed=seed,
    )
    # No link leads out of a community, so a piece cannot leave it; numbering
    # (community, piece) pairs makes that a guarantee rather than a consequence.
    pairs = np.column_stack([communities, np.asarray(found.membership, dtype=np.int64)])
    return np.unique(pairs, axis=0, return_inverse=True)[1].ravel().astype(np.int64)


def split_unjoined(
    communities: np.ndarray, pieces_of: np.ndarray, joined: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(theme labels, phrasings): themes that are one community take its pieces.

    communities: each note's community; pieces_of: each note's piece of it;
    joined: each note's theme after tag partners were joined. A theme joined
    from several communities keeps them whole, each one phrasing; a theme that
    is one community becomes its pieces, each its own theme and phrasing.
    """
    communities = np.asarray(communities, dtype=np.int64)
    joined = np.asarray(joined, dtype=np.int64)
    pairs = np.unique(np.column_stack([joined, communities]), axis=0)
    themes, parts = np.unique(pairs[:, 0], return_counts=True)
    alone = np.isin(joined, themes[parts == 1])
    # Numbers that cannot collide: joined themes keep theirs, pieces come after.
    offset = int(max(joined.max(initial=-1), communities.max(initial=-1))) + 1
    labels = np.where(alone, offset + pieces_of, joined)
    phrasings = np.where(alone, offset + pieces_of, communities)
    return labels, phrasings
