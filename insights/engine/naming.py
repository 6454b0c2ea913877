"""Readable theme names: the words that set a theme's notes apart from the rest.

Class-based TF-IDF: all notes of a theme are read as one document; a term
scores high when it is frequent in that theme and rare across themes. The
title is made of the top distinct terms; keywords are the top terms.
"""

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
        lowercase=True,
    )


def _stem(word: str) -> str:
    return word[:5]  # "withdraw"/"withdrawal", "verify"/"verification" read as one word


def _title(terms: list[str]) -> str:
    chosen: list[str] = []
    seen_stems: set[str] = set()
    for term in terms:
        stems = {_stem(w) for w in term.split()}
        if stems & seen_stems:
            continue  # "card" adds nothing after "card arrival"
        chosen.append(term)
        seen_stems |= stems
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
