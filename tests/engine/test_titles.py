"""How a theme's title reads: a complete phrase in the notes' own words that says the need."""

import re

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from insights.themes.engine import naming, phrases, placement

NEGATIONS = {"no", "not", "without", "never", "instead"}

# A need reps state through what is missing, next to other needs.
SSO = [
    "They won't roll out without SAML SSO; they're on Okta.",
    "They won't roll out without SAML SSO; they're on Azure AD.",
    "They won't roll out without SAML SSO; they're on Google Workspace.",
    "Renewal call: they won't roll out without SAML SSO; they're on Okta.",
    "QBR: they won't roll out without SAML SSO; they're on OneLogin.",
    "Security questionnaire came back: no SSO, no deal.",
    "IT lead asked whether we support SAML SSO with Okta.",
]
IMPORT = [
    "Need to bulk import three years of historical feedback from spreadsheets.",
    "Discovery call: need to bulk import three years of historical feedback from spreadsheets.",
    "QBR: need to bulk import three years of historical feedback from spreadsheets.",
    "Need to bulk import three years of historical feedback from spreadsheets. Came up twice.",
    "Renewal call: need to bulk import three years of historical feedback from spreadsheets.",
    "Asked for a migration path from their current tool with CSV import.",
]
PRICING = [
    "They want usage-based pricing instead of paying per seat.",
    "Demo feedback: they want usage-based pricing instead of paying per seat.",
    "QBR: they want usage-based pricing instead of paying per seat.",
    "Renewal call: they want usage-based pricing instead of paying per seat.",
    "Procurement asked for volume discounts above 50 seats.",
]
MOBILE = [
    "Field reps need a mobile app to log feedback on the road.",
    "Is there an iOS app? Their team lives on iPhones.",
    "No mobile app is a blocker for their sales floor.",
]


def _themes(*needs):
    texts = [text for need in needs for text in need]
    labels = np.repeat(np.arange(len(needs)), [len(need) for need in needs])
    return texts, labels


def _by_meaning(texts, labels, **kwargs):
    from insights.themes.engine import embeddings

    vectors = embeddings.embed(texts)
    centres = {int(g): placement.centroid(vectors[labels == g]) for g in set(labels.tolist())}
    return naming.name_groups(texts, labels, centres=centres, embed=embeddings.embed, **kwargs)


def _occurrences(title, texts):
    """(word before, word after) each time a note says the title; '' at a sentence edge."""
    pattern = re.compile(r"([\w'’-]*)\W*\b" + re.escape(title.lower()) + r"\b\W*([\w'’-]*)")
    found = []
    for text in texts:
        for clause in re.split(r"[.,;:!?—]", text.lower()):
            found.extend(pattern.findall(clause))
    return found


def test_a_title_never_ends_mid_phrase():
    texts, labels = _themes(IMPORT, SSO, PRICING)
    title = _by_meaning(texts, labels)[0][0]
    assert naming.is_phrase(title), title
    notes = [t for t, g in zip(texts, labels, strict=True) if g == 0]
    # Where the notes say the title, they stop there: what follows is the end of
    # the clause or a function word, not the noun an adjective was waiting for
    # nor the "of ..." that completes it.
    for _, after in _occurrences(title, notes):
        assert after == "" or (after in ENGLISH_STOP_WORDS and after != "of"), (title, after)


def test_a_need_stated_through_negation_is_titled_by_the_need_not_the_negation():
    texts, labels = _themes(SSO, IMPORT, PRICING)
    title = _by_meaning(texts, labels)[0][0]
    assert not NEGATIONS & set(title.lower().split()), title
    assert "sso" in title.lower(), title


def test_the_alternative_a_customer_turned_down_never_titles_their_need():
    texts, labels = _themes(PRICING, SSO, IMPORT)
    title = _by_meaning(texts, labels)[0][0]
    assert "per seat" not in title.lower() and "instead" not in title.lower(), title
    assert "pricing" in title.lower() or "discounts" in title.lower(), title


def test_a_negated_statement_is_kept_whole_or_not_used_never_flipped():
    texts, labels = _themes(
        [
            "My beneficiary is not allowed.",
            "Why is my beneficiary not allowed?",
            "The beneficiary is not allowed, what now?",
            "Beneficiary is not allowed for this transfer.",
        ],
        MOBILE,
    )
    title = _by_meaning(texts, labels)[0][0]
    notes = [t for t, g in zip(texts, labels, strict=True) if g == 0]
    for before, _ in _occurrences(title, notes):
        assert before not in NEGATIONS, (title, before)
    assert title.lower() != "beneficiary allowed"


def test_a_theme_joined_from_two_phrasings_is_titled_by_words_both_use():
    # One need, three phrasings: the biggest says nothing the others say; the
    # two smaller ones share "CSV export". Each phrasing is one voice.
    big = ["Finance wants scheduled PDF reports emailed monthly."] * 12
    second = ["Asked for CSV export of the dashboard data."] * 4
    third = ["Their ops manager needs a CSV export every week."] * 4
    texts = big + second + third + MOBILE
    labels = np.asarray([0] * 20 + [1] * len(MOBILE))
    phrasings = np.asarray([0] * 12 + [1] * 4 + [2] * 4 + [3] * len(MOBILE))
    title = naming.name_groups(texts, labels, phrasings=phrasings)[0][0]
    assert title == "CSV export"


def test_the_reps_own_tag_can_title_a_theme_its_notes_word_differently():
    texts = [
        "Login through Okta is a must for them.",
        "They won't buy unless staff log in with Azure AD.",
        "Security wants one password for every tool.",
        "Asked about SAML, their IT insists.",
    ] + MOBILE
    tags = [["single sign-on", "sso"]] * 4 + [["mobile"]] * len(MOBILE)
    labels = np.asarray([0] * 4 + [1] * len(MOBILE))
    title = naming.name_groups(texts, labels, tags=tags)[0][0]
    assert title.lower() == "single sign-on"


def test_a_title_from_before_the_phrase_rules_gives_way_at_the_next_run():
    # "Roll out without SAML SSO" was this theme's title before titles had to
    # avoid negation; hysteresis keeps a title the notes still say, not this one.
    texts, labels = _themes(SSO, IMPORT, PRICING)
    title = _by_meaning(texts, labels, current={0: "Roll out without SAML SSO"})[0][0]
    assert title != "Roll out without SAML SSO"
    assert _by_meaning(texts, labels, current={0: title})[0][0] == title  # and then stays


CRMS = ("Salesforce", "HubSpot", "Dynamics 365", "Pipedrive")
CRM_SYNC = [
    framing + f"Need a two-way sync with {crm} so reps don't double-enter notes."
    for crm in CRMS
    for framing in ("", "Quick sync: ", "Renewal call: ")
]


def test_a_title_names_the_need_not_the_one_product_some_of_its_notes_name():
    # Every note asks for two-way sync; each names one of four CRMs. A title
    # naming one of them would tell the product manager a quarter of the story.
    texts, labels = _themes(CRM_SYNC, SSO, PRICING, MOBILE)
    title = _by_meaning(texts, labels)[0][0]
    assert not any(crm.lower() in title.lower() for crm in CRMS), title
    candidates = phrases.candidate_titles(texts, labels)[0]
    assert "Two-way sync" in candidates
    assert not any(crm in option for option in candidates for crm in CRMS), candidates


def test_a_detail_most_of_the_notes_share_stays_in_the_title():
    # "requires MFA" is said by most notes that say "security policy": not a variant.
    mfa = ["Their security policy requires MFA for every tool."] * 5 + [
        "Security policy review next month."
    ]
    texts, labels = _themes(mfa, PRICING, MOBILE)
    candidates = phrases.candidate_titles(texts, labels)[0]
    assert "Security policy requires MFA" in candidates


def test_the_reps_framing_that_every_theme_shares_does_not_title_one_of_them():
    # "Quick sync:" opens notes of every need (a call type, not a need); grouping
    # may lean such notes one way, but most notes saying it are in other themes.
    framed = [[f"Quick sync: {text}", text] for text in (SSO[5], PRICING[4], MOBILE[0])]
    texts, labels = _themes(CRM_SYNC, SSO + framed[0], PRICING + framed[1], MOBILE + framed[2])
    for options in phrases.candidate_titles(texts, labels).values():
        assert "Quick sync" not in options
