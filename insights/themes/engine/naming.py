"""Readable theme names: the words that set a theme's notes apart from the rest.

Class-based TF-IDF: all notes of a theme are read as one document; a term
scores high when it is frequent in that theme and rare across themes. The
title is made of the top distinct terms; keywords are the top terms.
"""

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

# Words of meeting-speak that say nothing about the need itself.
CALL_WORDS = {
    "customer",
    "customers",
    "client",
    "clients",
    "prospect",
    "call",
    "calls",
    "asked",
    "ask",
    "said",
    "says",
    "mentioned",
    "want",
    "wants",
    "wanted",
    "need",
    "needs",
    "needed",
    "like",
    "would",
    "really",
    "team",
    "today",
    "week",
    "currently",
    "just",
    "know",
    "think",
    "make",
    "let",
    "able",
    "going",
    "also",
    "still",
    "please",
    "help",
}
KEYWORDS = 8


def _vectoriser(n_docs: int):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    return CountVectorizer(
        stop_words=sorted(ENGLISH_STOP_WORDS | CALL_WORDS),
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9\-]+\b",
        min_df=2 if n_docs >= 20 else 1,
        preprocessor=_preprocess,
    )


_CONTRACTION = re.compile(r"(\w)n['’]t\b")
_CLITIC = re.compile(r"['’](s|re|ve|ll|d|m)\b")


def _preprocess(text: str) -> str:
    """Lower-case, "shouldn't" → "should not" (so no "shouldn" keyword), "it's" → "it"."""
    return _CLITIC.sub("", _CONTRACTION.sub(r"\1 not", text.lower()))


def _stems(term: str) -> set[str]:
    # "withdraw"/"withdrawal", "verify"/"verification" read as one word.
    return {word[:5] for word in term.split()}


def _title(terms: list[str]) -> str:
    """Up to three distinct terms; a phrase replaces the single word it contains."""
    chosen: list[str] = []
    for term in terms:
        inside = [c for c in chosen if len(c.split()) == 1 and c in term.split()]
        if len(term.split()) > 1 and inside:
            chosen[chosen.index(inside[0])] = term
            chosen = [c for c in chosen if c not in inside[1:]]
            continue
        if any(_stems(term) & _stems(c) for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == 3:
            break
    if not chosen:
        return "Untitled theme"
    title = ", ".join(chosen)
    return title[0].upper() + title[1:]


def name_groups(texts: Sequence[str], labels: np.ndarray) -> dict[int, tuple[str, list[str]]]:
    """{label: (title, keywords)} for every label >= 0."""
    labels = np.asarray(labels)
    groups = sorted(int(g) for g in np.unique(labels) if g >= 0)
    if not groups:
        return {}
    vectoriser = _vectoriser(len(texts))
    try:
        per_note = vectoriser.fit_transform(list(texts))  # min_df counts notes, not themes
    except ValueError:  # nothing but stop words
        return {g: ("Untitled theme", []) for g in groups}
    terms = vectoriser.get_feature_names_out()
    row_of = {g: i for i, g in enumerate(groups)}
    kept = np.flatnonzero(labels >= 0)
    membership = sp.csr_matrix(
        (np.ones(len(kept)), ([row_of[int(labels[i])] for i in kept], kept)),
        shape=(len(groups), len(texts)),
    )
    counts = (membership @ per_note).toarray().astype(np.float64)
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    average_words = counts.sum() / len(groups)
    idf = np.log(1 + average_words / np.maximum(counts.sum(axis=0), 1))
    scores = tf * idf
    names = {}
    for row, group in enumerate(groups):
        best = [terms[i] for i in np.argsort(-scores[row])[: KEYWORDS * 2] if scores[row, i] > 0]
        names[group] = (_title(best), best[:KEYWORDS])
    return names


def representatives(vectors: np.ndarray, count: int = 3) -> list[int]:
    """Rows closest to the group's centre: the notes that say it most typically."""
    centre = vectors.mean(axis=0)
    return np.argsort(-(vectors @ centre))[:count].tolist()
