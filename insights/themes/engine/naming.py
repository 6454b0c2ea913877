"""Readable theme names: a short phrase in the notes' own words, and keywords.

Keywords: class-based TF-IDF. All notes of a theme are read as one document; a
term scores high when it is frequent in that theme and rare across themes.

Title, chosen by meaning rather than by frequency alone:
1. candidates are phrases of 2-6 words that the theme's notes actually
   contain, complete and never negated, and the reps' own multi-word tags,
   those said across the theme (each joined phrasing one voice) and rare
   elsewhere first (`engine/phrases.py`);
2. each candidate is embedded with the same model as the notes and scored by
   how close it is to the theme's centre minus half how close it is to the nearest
   other theme's centre: the phrase that says this theme, and not its
   neighbour, wins;
3. hysteresis: a theme's current title stays while its notes still say it
   (by the same phrase rules) and it scores within TITLE_MARGIN of the best,
   so a run over the same notes (or a few more) does not rename anything.
Without an embedding function (or centres) the most distinctive phrase wins.
"""

import re
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from insights.themes.engine.phrases import TITLE_WORDS, candidate_titles, stop_words

KEYWORDS = 8
# A cosine difference this small is what rewording the same phrase changes
# ("card arrival" / "card arrived"); a retitle needs more than that.
TITLE_MARGIN = 0.05
# A title must say the theme first and set it apart second: closeness to the
# nearest other theme counts half as much as closeness to its own centre.
DISTINCTION_WEIGHT = 0.5
UNTITLED = "Untitled theme"


def _vectoriser(n_docs: int):
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        stop_words=sorted(stop_words()),
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


def keyword_groups(texts: Sequence[str], labels: np.ndarray) -> dict[int, list[str]]:
    """{label: keywords} for every label >= 0 (class-based TF-IDF)."""
    labels = np.asarray(labels)
    groups = sorted(int(g) for g in np.unique(labels) if g >= 0)
    if not groups:
        return {}
    vectoriser = _vectoriser(len(texts))
    try:
        per_note = vectoriser.fit_transform(list(texts))  # min_df counts notes, not themes
    except ValueError:  # nothing but stop words
        return {g: [] for g in groups}
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
        names[group] = best[:KEYWORDS]
    return names


def representatives(vectors: np.ndarray, count: int = 3) -> list[int]:
    """Rows closest to the group's centre: the notes that say it most typically."""
    centre = vectors.mean(axis=0)
    return np.argsort(-(vectors @ centre))[:count].tolist()


def _scores(
    candidates: list[str], vectors: np.ndarray, own: int, centres: np.ndarray, nearest: int
) -> np.ndarray:
    sims = vectors @ centres.T  # candidates × themes
    mine = sims[:, own]
    if centres.shape[0] == 1:
        return mine
    others = np.delete(sims, own, axis=1)
    # Compared with the few themes closest to this one, where confusion happens.
    closest = np.argsort(-(centres[own] @ np.delete(centres, own, axis=0).T))[:nearest]
    return mine - DISTINCTION_WEIGHT * others[:, closest].max(axis=1)


def name_groups(
    texts: Sequence[str],
    labels: np.ndarray,
    *,
    centres: dict[int, np.ndarray] | None = None,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    current: dict[int, str] | None = None,
    tags: Sequence[Sequence[str]] | None = None,
    phrasings: np.ndarray | None = None,
    nearest: int = 5,
) -> dict[int, tuple[str, list[str]]]:
    """{label: (title, keywords)} for every label >= 0.

    centres: label → unit text-embedding centre of the theme; embed: the model
    that made them; current: label → the title the theme has now (hysteresis);
    tags: each note's tags; phrasings: each note's community before phrasings
    of one need were joined (see `phrases.candidate_titles`).
    """
    labels = np.asarray(labels)
    keywords = keyword_groups(texts, labels)
    # A title from before titles were phrases (a comma list) is not worth keeping,
    # nor one the notes no longer say by the phrase rules ("Roll out without SAML
    # SSO", "Bulk import three years of historical"): it is kept only as a candidate.
    current = {g: t for g, t in (current or {}).items() if is_phrase(t)}
    candidates = candidate_titles(texts, labels, tags=tags, phrasings=phrasings, current=current)
    current = {g: t for g, t in current.items() if t in candidates.get(g, [])}
    by_meaning = embed is not None and centres is not None and all(g in centres for g in keywords)
    if by_meaning and keywords:
        order = sorted(keywords)
        matrix = np.vstack([centres[g] for g in order]).astype(np.float32)
        wanted = sorted(
            {c for g in order for c in candidates[g]}
            | {current[g] for g in order if current.get(g)}
        )
        embedded = dict(zip(wanted, embed(wanted), strict=True)) if wanted else {}
    names = {}
    for row_number, g in enumerate(sorted(keywords)):
        options = candidates[g]
        if not options:
            names[g] = (current.get(g) or _fallback(keywords[g]), keywords[g])
            continue
        title = options[0]
        if by_meaning:
            pool = list(dict.fromkeys(options + ([current[g]] if current.get(g) else [])))
            scores = _scores(
                pool, np.vstack([embedded[c] for c in pool]), row_number, matrix, nearest
            )
            title = pool[int(scores.argmax())]
            if current.get(g) in pool:
                kept = scores[pool.index(current[g])]
                if scores.max() - kept <= TITLE_MARGIN:
                    title = current[g]
        elif current.get(g) in options:
            title = current[g]
        names[g] = (title, keywords[g])
    return names


def is_phrase(title: str | None) -> bool:
    """A title that reads as one phrase of TITLE_WORDS words, not a list."""
    if not title or "," in title:
        return False
    return TITLE_WORDS[0] <= len(title.split()) <= TITLE_WORDS[1]


def _fallback(keywords: list[str]) -> str:
    """A theme whose notes share no phrase: its best keyword phrase, else untitled."""
    for term in keywords:
        if len(term.split()) >= TITLE_WORDS[0]:
            return term[0].upper() + term[1:]
    return (keywords[0][0].upper() + keywords[0][1:]) if keywords else UNTITLED
