"""Candidate titles: phrases a theme's notes (and the reps' tags on them) actually say.

A title has to read as a piece of what was written and has to say the need.
Three rules make a run of words a candidate, each from how English phrases
work rather than from any data set's wording:

1. A phrase is a complete constituent. It neither starts nor ends with a
   function word (a stop word: determiner, preposition, conjunction,
   auxiliary, pronoun), and an occurrence only counts where the note itself
   stops the phrase there: the words next to it are punctuation, the end of
   the sentence or a function word. Where the note goes on with a content
   word, the phrase was cut inside a constituent: "roll out without SAML"
   before "SSO", an adjective before its noun ("historical" before
   "feedback"), a verb before its object ("requires" before "MFA"). "of" and
   the particles of phrasal verbs ("up", "out") complete the word before
   them, so a phrase does not end there either ("three years" before "of
   historical feedback", "topping" before "up"). Nor does a phrase run into
   another clause ("so", "because", "who", "that"...).
2. Negation and contrast are not carried into a title. A negation before a
   noun ("no", "without") names what is missing, which is the need: it is a
   boundary no phrase spans, so "won't roll out without SAML SSO" offers
   "SAML SSO" and never "Roll out without SAML SSO", which reads as the
   opposite. A negated verb ("is not allowed", "won't work") is kept whole
   or not at all: no phrase starts right after the negation, which would
   flip the statement ("Beneficiary allowed"). After a contrast marker
   ("instead of", "rather than", "other than", "except", "unlike",
   "versus") comes the alternative the customer turned down, so nothing
   after it in the clause is a candidate: "usage-based pricing instead of
   paying per seat" offers "usage-based pricing", not "paying per seat".
3. The reps' tags on a note are phrases of that note too: a tag of 2-6 words
   ("single sign-on", "data residency") is the reps' own name for what the
   note is about, and complete by construction.

Candidates are then ranked by how much of the theme says them, times how
specific they are to it. When a theme was joined from several phrasings of
one need (`tag_partners`), each phrasing counts as one voice: a phrase's
share is the mean, over the phrasings, of the share of that phrasing's notes
saying it, so a phrase several phrasings use outranks one phrasing's
frequent run, however big that phrasing is. Of phrases said as much, the
shorter comes first. A note with no complete phrase offers all its runs, so
a theme always has candidates.
"""

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

TITLE_WORDS = (2, 6)
CANDIDATES = 12  # phrases per theme scored by meaning; the rest are rarely better

# Words of meeting-speak that say nothing about the need itself.
CALL_WORDS = frozenset(  # a word list reads better as words
    "customer customers client clients prospect call calls asked ask said says mentioned "  # noqa: SIM905
    "want wants wanted need needs needed like would really team today week currently just "
    "know think make let able going also still please help".split()
)
# Closed classes (rule 2). A negation before a noun ("no SSO", "without SAML
# SSO") names what is missing, the need itself: it is a boundary, and what
# follows may be a title. A negation of a verb ("is not allowed", "won't
# work") belongs to the statement: no phrase starts right after it, since cut
# away it would flip the statement ("Beneficiary allowed").
MISSING = frozenset(["no", "without", "none", "lack", "lacking"])
NEGATIONS = frozenset(["not", "never", "nor", "cannot", "neither"])
# Function words that complete the noun before them rather than start something new.
COMPLEMENTS = frozenset({"of", "up", "out", "off", "down"})
# Words that open a new clause: a phrase that ran past one would splice two
# statements ("two-way sync with HubSpot so reps", "audit log of who changed").
CLAUSE_OPENERS = frozenset(
    "so because since although though whereas while when whenever where which who whom "  # noqa: SIM905
    "whose what whether if unless until that".split()
)
CONTRASTS = (
    ("instead", "of"),
    ("rather", "than"),
    ("other", "than"),
    ("as", "opposed", "to"),
    ("except",),
    ("unlike",),
    ("versus",),
    ("vs",),
)

_STOP = None
_CHUNKS = re.compile(r"[.,;:!?()\[\]{}\"“”|/—–]+|\s-\s|\s\+\s")
_APOSTROPHE = re.compile(r"['’]")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-&]*")


def stop_words() -> frozenset[str]:
    global _STOP
    if _STOP is None:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        _STOP = frozenset(ENGLISH_STOP_WORDS | CALL_WORDS)
    return _STOP


def _closes(following: str) -> bool:
    """Whether a phrase may end before this word: a function word starts a new
    constituent, except "of", which completes the noun before it ("three years of
    historical feedback", "history of admin actions")."""
    return following in stop_words() and following not in COMPLEMENTS


def _negation(word: str) -> bool:
    return word in NEGATIONS or word.endswith(("n't", "n’t"))


def _affirmed(words: list[str]) -> list[list[str]]:
    """The stretches of a clause that state something: cut at negations and at the
    start of another clause, and ending where a contrast begins."""
    stretches, current = [], []
    for i, word in enumerate(words):
        if any(tuple(words[i : i + len(marker)]) == marker for marker in CONTRASTS):
            break  # the rest of the clause is the alternative they turned down
        if word in MISSING or word in CLAUSE_OPENERS:
            stretches.append(current)
            current = []
        else:
            current.append(word)
    stretches.append(current)
    return [s for s in stretches if s]


def _runs(text: str) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """(complete phrases, all phrases) of a text, as lower-case word tuples."""
    stop = stop_words()
    low, high = TITLE_WORDS
    complete, every = set(), set()

    def edge(word: str) -> bool:  # may start or end a phrase ("isn't" may not)
        return word not in stop and not word.isdigit() and not _APOSTROPHE.search(word)

    for chunk in _CHUNKS.split(text):
        words = [w.strip("'’-") for w in _WORD.findall(chunk)]
        for stretch in _affirmed([w.lower() for w in words if w]):
            for i, first in enumerate(stretch):
                if not edge(first):
                    continue
                # Starting right after a verb's negation would drop it and flip the statement.
                opens = i == 0 or (stretch[i - 1] in stop and not _negation(stretch[i - 1]))
                for j in range(i + low, min(i + high, len(stretch)) + 1):
                    if not edge(stretch[j - 1]):
                        continue
                    phrase = tuple(stretch[i:j])
                    every.add(phrase)
                    if opens and (j == len(stretch) or _closes(stretch[j])):
                        complete.add(phrase)
    return complete, every


def phrases(text: str) -> set[tuple[str, ...]]:
    """The complete 2-6 word phrases of a text that could title it (rules 1 and 2)."""
    return _runs(text)[0]


def tag_phrases(tags: Sequence[str]) -> set[tuple[str, ...]]:
    """A note's tags of 2-6 words, as phrases (rule 3)."""
    low, high = TITLE_WORDS
    found = set()
    for tag in tags:
        words = tuple(w.lower() for w in _WORD.findall(tag))
        if low <= len(words) <= high and not any(_negation(w) or w in MISSING for w in words):
            found.add(words)
    return found


def surface(texts: Sequence[str], phrase: tuple[str, ...], tags: Sequence[str] = ()) -> str:
    """The phrase as the notes (else the tags) most often write it: keeps "SAML", "Okta"."""
    pattern = re.compile(r"\b" + r"\W+".join(re.escape(w) for w in phrase) + r"\b", re.IGNORECASE)
    forms: Counter = Counter()
    for text in texts:
        for match in pattern.finditer(text):
            forms[" ".join(_WORD.findall(match.group(0)))] += 1
    if not forms:
        forms.update(t.strip() for t in tags if pattern.fullmatch(t.strip()))
    form = forms.most_common(1)[0][0] if forms else " ".join(phrase)
    return form[0].upper() + form[1:]


def _said(texts, tags) -> list[set[tuple[str, ...]]]:
    """Per note: its complete phrases and tag phrases; a note with none offers all its runs."""
    found = []
    for i, text in enumerate(texts):
        complete, every = _runs(text)
        own = complete | (tag_phrases(tags[i]) if tags is not None else set())
        found.append(own or every)
    return found


def _whole_need(ranked, rows, per_note, count: Counter, limit: int) -> list[tuple[str, ...]]:
    """The first `limit` of the ranked phrases that say the need rather than one variant of it.

    A phrase is a variant when every note that says it also says another
    phrase, which more than twice as many of the theme's notes say: it adds a
    detail that only a minority of those notes share ("Two-way sync with
    Pipedrive" where the notes say "two-way sync" with four different CRMs;
    "Dynamics 365 is a dealbreaker" where they say "manual export" from each).
    Half is the line because a title should hold for most of the notes that
    say its core. A detail that most of them share stays ("security policy
    requires MFA" where most notes that say "security policy" say that).
    """
    chosen = []
    for phrase in ranked:
        saying = [row for row in rows if phrase in per_note[row]]
        also: Counter = Counter()
        for row in saying:
            also.update(per_note[row])
        if not any(
            together == len(saying) and count[other] > 2 * len(saying)
            for other, together in also.items()
            if other != phrase
        ):
            chosen.append(phrase)
            if len(chosen) == limit:
                break
    return chosen


def candidate_titles(
    texts: Sequence[str],
    labels: np.ndarray,
    *,
    tags: Sequence[Sequence[str]] | None = None,
    phrasings: np.ndarray | None = None,
    current: dict[int, str] | None = None,
    limit: int = CANDIDATES,
) -> dict[int, list[str]]:
    """{label: phrases its notes say}, said across the theme and rare elsewhere first.

    tags: each note's tags (rule 3); phrasings: each note's community before
    phrasings of one need were joined, so each phrasing counts as one voice;
    current: a theme's title now, which stays a candidate (as written) while
    the theme's notes still say it by these rules, and only then.
    """
    current = current or {}
    labels = np.asarray(labels)
    parts = labels if phrasings is None else np.asarray(phrasings)
    groups = sorted(int(g) for g in np.unique(labels) if g >= 0)
    per_note = _said(texts, tags)
    overall: Counter = Counter()
    for found in per_note:
        overall.update(found)
    total = max(len(texts), 1)
    result = {}
    for g in groups:
        rows = np.flatnonzero(labels == g)
        voices: dict[int, list[int]] = {}
        for row in rows:
            voices.setdefault(int(parts[row]), []).append(int(row))
        count: Counter = Counter()
        share: Counter = Counter()
        for members in voices.values():
            in_voice: Counter = Counter()
            for row in members:
                in_voice.update(per_note[row])
            count.update(in_voice)
            for phrase, said in in_voice.items():
                share[phrase] += said / len(members) / len(voices)
        # A phrase said by one note only is a weak title; it serves when no
        # phrase is shared (a small theme whose notes all word it differently).
        least = 2 if any(c >= 2 for c in count.values()) else 1
        scored = []
        for phrase, said in count.items():
            if said < least:
                continue
            # How much of the theme says it × how specific it is to the theme; of
            # phrases said as much, the shorter first (a title is short, and the
            # pool then holds each idea's core, not five lengths of one sentence).
            specificity = np.log(1 + total * said / (len(rows) * overall[phrase]))
            scored.append((-share[phrase] * specificity, len(phrase), phrase))
        scored.sort()
        members = [texts[i] for i in rows]
        theme_tags = [t for i in rows for t in tags[i]] if tags is not None else []
        ranked = [phrase for _, _, phrase in scored]
        # A phrase most of whose notes are in other themes is the reps' framing
        # ("Quick sync:", "came up twice"), however much grouping leaned it here;
        # a title says what is this theme's. If nothing is, the ranking stands.
        own = [phrase for phrase in ranked if 2 * count[phrase] > overall[phrase]]
        chosen = _whole_need(own or ranked, rows, per_note, count, limit)
        titles = [surface(members, phrase, theme_tags) for phrase in chosen]
        now = tuple(w.lower() for w in _WORD.findall(current.get(g) or ""))
        if now in count:  # still said: kept as written, so hysteresis can keep it
            if now in chosen:
                titles[chosen.index(now)] = current[g]
            else:
                titles.append(current[g])
        result[g] = titles
    return result
