"""Join the phrasings of one need that meaning keeps apart but the reps' tags tie together.

Reps describe one need in words a sentence model does not put side by side:
"they won't roll out without SAML SSO", "users should log in with their Okta
accounts", "security questionnaire came back: no SSO, no deal". The neighbour
graph then holds one community per phrasing, each pure, and a product manager
sees the need three times. What ties the phrasings together is how reps tag
them: the same handful of tags (sso, okta, single sign-on, login) in about the
same proportions. This module joins such communities, and only on that
evidence.

Three conditions, each with a reason rather than a fitted value:

1. Positive evidence. Two communities are candidates only if they share tags
   and their tag profiles (how often each tag appears on their notes) are
   more alike than either is to the tags of all the other notes. A community
   whose tags are noise then has no candidates: agreeing with nothing in
   particular is not agreeing.
2. Tags specific to a need. Where a tag names a category ("card" on twenty
   different banking requests), every community of the category is a
   candidate of every other, and their agreement says nothing about the
   need. So a community's candidates (itself included) may be joined only
   if they are no more than the effective number of distinct tags their
   pooled notes use (the exponential of the tag distribution's entropy): a
   need that reps phrase several ways also collects several tags (synonyms,
   product names, the team that asked), while a category is one tag spread
   over many phrasings. Both communities of a pair must pass.
3. Indistinguishable by their tags. A permutation test: the notes of the two
   communities are reshuffled between them at random, keeping their sizes;
   if at least 5% of reshuffles look as different as the real split (cosine
   of the two tag profiles), the two cannot be told apart by their tags and
   are joined. The noise of small samples and reps' uneven tagging are
   measured, not assumed. Two communities too small for any reshuffle to
   look unusual (fewer than 1 / 5% = 20 ways to split them) are not joined:
   no test could have told them apart, so there is no evidence either way.

Joined pairs are closed transitively (three phrasings of one need become one
theme), most alike first, and two joined sets only while their pooled notes
still pass the test: a small community that no test can tell from anything
must not bridge two needs that the test tells apart (see `_close`). The cost
is a sparse product of communities by tags plus a few small tests per need,
negligible next to the neighbour graph; a community contributes at most
MAX_NOTES_TESTED notes to a test.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import comb

import numpy as np
import scipy.sparse as sp

from insights.themes.engine.features import normalise_tag

# Two communities are told apart by their tags only on clear evidence: when
# fewer than 5% of random reshuffles of their notes between them look as
# different as they do (the usual significance level; not fitted to data).
SIGNIFICANCE = 0.05
RESHUFFLES = 200
# The test reads at most this many tagged notes of a community (every k-th, so
# the same notes each run): enough for a confident answer, and the cost stays
# bounded at a million notes.
MAX_NOTES_TESTED = 400


def _tag_rows(labels: np.ndarray, tags: Sequence[Sequence[str]]):
    """Binary note x tag rows for the themed, tagged notes, and each row's community."""
    names = [{normalise_tag(t) for t in row if t.strip()} for row in tags]
    column = {name: i for i, name in enumerate(sorted(set().union(*names)))}
    rows, cols, owner = [], [], []
    for label, row in zip(labels, names, strict=True):
        if label < 0 or not row:
            continue
        for name in sorted(row):
            rows.append(len(owner))
            cols.append(column[name])
        owner.append(label)
    matrix = sp.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(owner), max(len(column), 1))
    )
    return matrix, np.asarray(owner, dtype=np.int64)


def _effective_tags(counts: np.ndarray) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(np.exp(-(p * np.log(p)).sum()))


def _cosine(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (x * y).sum(axis=-1) / np.maximum(
        np.linalg.norm(x, axis=-1) * np.linalg.norm(y, axis=-1), 1e-12
    )


def _p_value(first: np.ndarray, second: np.ndarray, seed: tuple[int, int]) -> float | None:
    """Permutation test: how often a random split of the two sets' notes (same sizes)
    looks as different as the real one (cosine of the two tag profiles). None when
    the notes are too few for any split to look unusual: no evidence either way."""
    if comb(len(first) + len(second), len(first)) < 1 / SIGNIFICANCE:
        return None
    pooled = np.vstack([first, second])
    pooled = pooled[:, pooled.sum(axis=0) > 0]
    size, total = len(first), pooled.sum(axis=0)
    observed = _cosine(pooled[:size].sum(axis=0), pooled[size:].sum(axis=0))
    rng = np.random.default_rng(seed)
    keys = rng.random((RESHUFFLES, len(pooled)))
    # Each reshuffle puts the `size` notes with the smallest keys on one side.
    cut = np.partition(keys, size - 1, axis=1)[:, size - 1 : size]
    one_side = (keys <= cut).astype(np.float64) @ pooled
    reshuffled = _cosine(one_side, total - one_side)
    return (1 + int((reshuffled <= observed).sum())) / (RESHUFFLES + 1)


def _indistinguishable(first: np.ndarray, second: np.ndarray, seed: tuple[int, int]) -> bool:
    p_value = _p_value(first, second, seed)
    return p_value is not None and p_value > SIGNIFICANCE


def told_apart(
    first: Sequence[Sequence[str]], second: Sequence[Sequence[str]], *, seed: tuple[int, int]
) -> bool:
    """Whether two themes' notes are clearly different needs by their tags alone.

    The same test as joining, the other way round: used to keep a text-only
    "probably the same need" suggestion from pairing themes that reps tag
    differently. Too few tagged notes is no evidence, so the answer is then False.
    """
    p_value = tag_p_value(first, second, seed=seed)
    return p_value is not None and p_value <= SIGNIFICANCE


@dataclass(frozen=True)
class TagTotals:
    """How many notes carry each tag (normalised names), and the squared norm of
    those counts: built once per run, read for every pair `alike` compares."""

    counts: dict[str, int]
    squared: float


def tag_totals(notes_per_tag: Mapping[str, int]) -> TagTotals:
    counts: Counter = Counter()
    for name, notes in notes_per_tag.items():
        if name.strip():
            counts[normalise_tag(name)] += notes
    return TagTotals(dict(counts), float(sum(c * c for c in counts.values())))


def alike(
    first: Sequence[Sequence[str]], second: Sequence[Sequence[str]], everyone: TagTotals
) -> bool:
    """Whether two themes' tag profiles are more alike than either is to the tags of
    all other notes: positive evidence, the first condition of `join`.

    everyone: all notes' tags, the two themes' included; the notes given here
    are taken out of it. When those are a sample of a big theme, part of the
    theme stays in "all other notes", which only makes the bar harder to clear.
    Untagged themes have no profile, so they are not alike. Costs the pair's
    own tags, not the whole vocabulary.
    """
    a, b = (
        Counter(normalise_tag(t) for row in side for t in set(row) if t.strip())
        for side in (first, second)
    )
    if not a or not b:
        return False
    names = set(a) | set(b)
    total = {n: everyone.counts.get(n, 0) for n in names}
    rest = {n: max(total[n] - a[n] - b[n], 0) for n in names}
    rest_norm = np.sqrt(
        max(everyone.squared - sum(v * v for v in total.values()), 0)
        + sum(v * v for v in rest.values())
    )

    def cosine(x: Counter, y: Mapping[str, int], y_norm: float) -> float:
        x_norm = np.sqrt(sum(v * v for v in x.values()))
        return sum(x[n] * y.get(n, 0) for n in x) / max(x_norm * y_norm, 1e-12)

    b_norm = np.sqrt(sum(v * v for v in b.values()))
    return cosine(a, b, b_norm) > max(cosine(a, rest, rest_norm), cosine(b, rest, rest_norm))


def tag_p_value(
    first: Sequence[Sequence[str]], second: Sequence[Sequence[str]], *, seed: tuple[int, int]
) -> float | None:
    """The permutation test's p-value for two themes' notes (each a list of tags);
    untagged notes are left out; None when too few are tagged for any evidence."""
    first = [row for row in first if any(t.strip() for t in row)]
    second = [row for row in second if any(t.strip() for t in row)]
    if not first or not second:
        return None
    rows, owner = _tag_rows(np.repeat([0, 1], [len(first), len(second)]), first + second)
    samples = []
    for side in (0, 1):
        notes = np.flatnonzero(owner == side)
        step = -(-len(notes) // MAX_NOTES_TESTED)
        samples.append(rows[notes[::step]].toarray())
    return _p_value(samples[0], samples[1], seed)


def join(labels: np.ndarray, tags: Sequence[Sequence[str]]) -> np.ndarray:
    """Labels with tag partners joined (each joined set takes its smallest label)."""
    labels = np.asarray(labels, dtype=np.int64)
    groups = int(labels.max(initial=-1)) + 1
    if groups < 2:
        return labels.copy()
    rows, owner = _tag_rows(labels, tags)
    membership = sp.csr_matrix(
        (np.ones(len(owner)), (owner, np.arange(len(owner)))), shape=(groups, len(owner))
    )
    counts = (membership @ rows).tocsr()  # tag counts per community
    tagged = np.bincount(owner, minlength=groups)

    # Candidates: communities sharing tags, more alike to each other than either
    # is to all the other notes' tags (positive evidence, not just no conflict).
    shared = sp.triu(counts @ counts.T, k=1).tocoo()
    a, b, ab = shared.row, shared.col, shared.data
    total = np.asarray(counts.sum(axis=0)).ravel()
    with_total = counts @ total
    own = np.asarray(counts.multiply(counts).sum(axis=1)).ravel()
    norm = np.sqrt(own)
    similarity = ab / np.maximum(norm[a] * norm[b], 1e-12)
    rest = np.sqrt(
        np.maximum(
            total @ total + own[a] + own[b] - 2 * with_total[a] - 2 * with_total[b] + 2 * ab, 0
        )
    )
    to_rest = np.maximum(
        (with_total[a] - own[a] - ab) / np.maximum(norm[a] * rest, 1e-12),
        (with_total[b] - own[b] - ab) / np.maximum(norm[b] * rest, 1e-12),
    )
    candidate = (tagged[a] >= 2) & (tagged[b] >= 2) & (similarity > to_rest)
    a, b = a[candidate], b[candidate]
    if len(a) == 0:
        return labels.copy()

    # The gate: a tag profile that many communities share is a category, not a need.
    linked = sp.csr_matrix((np.ones(len(a)), (a, b)), shape=(groups, groups))
    linked = linked + linked.T
    pooled = (counts + linked @ counts).toarray()
    how_many = np.asarray(linked.sum(axis=1)).ravel() + 1
    specific = np.array(
        [
            how_many[c] <= _effective_tags(pooled[c]) if how_many[c] > 1 else False
            for c in range(groups)
        ]
    )

    def sample(communities: list[int]) -> np.ndarray:
        notes = np.flatnonzero(np.isin(owner, communities))
        step = -(-len(notes) // MAX_NOTES_TESTED)
        return rows[notes[::step]].toarray()

    tested = {
        (x, y): _p_value(sample([x]), sample([y]), (x, y))
        for x, y in zip(a.tolist(), b.tolist(), strict=True)
        if specific[x] and specific[y]
    }
    alike = [pair for pair, p in tested.items() if p is not None and p > SIGNIFICANCE]
    if not alike:
        return labels.copy()
    smallest = _close(alike, tested, sample, groups)
    out = labels.copy()
    themed = out >= 0
    out[themed] = smallest[out[themed]]
    return out


def _close(alike, p_values, sample, groups: int) -> np.ndarray:
    """Each community's joined set, named by its smallest community.

    Pairs are joined most alike first, and two sets only when their pooled
    notes are still indistinguishable. Chaining pairs alone would let a small
    community whose test is too weak to tell it from anything (nine SSO notes
    tagged "auth", "security") bridge two needs that the test tells apart
    outright (SSO and MFA on the seeded demo): the weak test is absence of
    evidence, the strong one is evidence, and evidence wins.
    """
    members = {c: [c] for c in range(groups)}
    head = np.arange(groups)
    for x, y in sorted(alike, key=lambda pair: (-p_values[pair], pair)):
        first, second = sorted((int(head[x]), int(head[y])))
        if first == second:
            continue
        if len(members[first]) + len(members[second]) > 2 and not _indistinguishable(
            sample(members[first]), sample(members[second]), (first, second)
        ):
            continue
        members[first] += members.pop(second)
        head[members[first]] = first
    return head
