import numpy as np

from insights.themes.engine import naming, placement


def test_theme_names_come_from_the_words_that_set_a_theme_apart(corpus):
    labels = np.asarray([list(dict.fromkeys(corpus["needs"])).index(n) for n in corpus["needs"]])
    names = naming.name_groups(corpus["texts"], labels)
    sso_title, sso_keywords = names[0]
    export_title, export_keywords = names[1]
    assert any(w in " ".join(sso_keywords) for w in ("sso", "sign", "saml", "okta"))
    assert any(w in " ".join(export_keywords) for w in ("export", "csv", "excel", "report"))
    assert sso_title != export_title
    assert sso_title[0].isupper()


def test_representative_notes_are_the_most_typical(corpus):
    rows = np.asarray([n == "mobile" for n in corpus["needs"]])
    picked = naming.representatives(corpus["vectors"][rows], count=2)
    assert len(picked) == 2 and all(0 <= i < rows.sum() for i in picked)


def test_a_new_note_joins_the_theme_it_is_close_to(corpus):
    needs = np.asarray(corpus["needs"])
    centres, thresholds = [], []
    for need in ("sso", "export"):
        members = corpus["vectors"][needs == need]
        centre = placement.centroid(members)
        centres.append(centre)
        thresholds.append(placement.placement_threshold(members, centre))
    from insights.themes.engine import embeddings

    vector = embeddings.embed(["Their IT team insists on logging in through Okta SAML."])[0]
    row, score = placement.place(vector, np.vstack(centres), np.asarray(thresholds))
    assert row == 0 and score > thresholds[0]


def test_a_note_about_something_else_is_left_unthemed(corpus):
    needs = np.asarray(corpus["needs"])
    members = corpus["vectors"][needs == "sso"]
    centre = placement.centroid(members)
    threshold = placement.placement_threshold(members, centre)
    from insights.themes.engine import embeddings

    vector = embeddings.embed(["The weather in Lisbon was lovely during the offsite."])[0]
    row, _ = placement.place(vector, centre[None, :], np.asarray([threshold]))
    assert row is None


def test_placement_with_no_themes_places_nowhere():
    assert placement.place(np.ones(3), np.zeros((0, 3)), np.zeros(0)) == (None, 0.0)


def _by_meaning(corpus, current=None):
    from insights.themes.engine import embeddings

    order = list(dict.fromkeys(corpus["needs"]))
    labels = np.asarray([order.index(n) for n in corpus["needs"]])
    centres = {g: placement.centroid(corpus["vectors"][labels == g]) for g in range(len(order))}
    names = naming.name_groups(
        corpus["texts"], labels, centres=centres, embed=embeddings.embed, current=current
    )
    return order, labels, names


def test_a_title_is_a_short_phrase_the_themes_notes_actually_say(corpus):
    order, labels, names = _by_meaning(corpus)
    for group, (title, keywords) in names.items():
        assert naming.is_phrase(title), title
        assert "," not in title and keywords
        members = " ".join(
            t.lower() for t, g in zip(corpus["texts"], labels, strict=True) if g == group
        )
        assert title.lower() in members, title
    assert names[order.index("sso")][0].lower() != names[order.index("mobile")][0].lower()


def test_a_title_stays_unless_a_clearly_better_one_appears(corpus):
    order, _, first = _by_meaning(corpus)
    sso, export = order.index("sso"), order.index("export")
    current = {sso: first[sso][0], export: "Weather in Lisbon"}
    _, _, again = _by_meaning(corpus, current=current)
    assert again[sso][0] == first[sso][0]  # the same notes keep the same title
    assert again[export][0] != "Weather in Lisbon"  # a title that no longer says it goes


def test_a_comma_list_is_not_a_title():
    assert not naming.is_phrase("Single sign-on, identity provider, login")
    assert not naming.is_phrase("Okta")
    assert naming.is_phrase("Okta single sign-on")
