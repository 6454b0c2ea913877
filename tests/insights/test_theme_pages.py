import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from insights.themes.models import DuplicateSuggestion, Theme, ThemeAssignment
from insights.themes.pipeline.stats import store_theme_stats
from tests.factories import CallNoteFactory, DealFactory, ThemeFactory
from tests.test_report_guard import REPORT_GUARD_QUERIES

pytestmark = pytest.mark.django_db


def _theme_with_deal(rep, amount, title):
    theme = ThemeFactory(title=title)
    deal = DealFactory(amount=Decimal(amount), stage="proposal")
    for _ in range(2):  # two notes on one deal: the deal counts once
        note = CallNoteFactory(author=rep, account=deal.account, deal=deal)
        ThemeAssignment.objects.create(note=note, theme=theme)
    return theme


def test_the_dashboard_ranks_themes_by_revenue_at_stake(rep_client, rep):
    _theme_with_deal(rep, "1000", "Small")
    _theme_with_deal(rep, "90000", "Big")
    store_theme_stats()
    page = rep_client.get(reverse("dashboard")).content.decode()
    assert page.index("Big") < page.index("Small")
    assert "$90,000" in page and "180,000" not in page


@pytest.mark.parametrize("count", [1, 30])
def test_the_dashboard_uses_a_fixed_number_of_queries(
    pm_client, rep, count, django_assert_num_queries
):
    themes = [_theme_with_deal(rep, "10", f"T{i}") for i in range(count)]
    # Every theme shown with a possible duplicate costs no query of its own.
    DuplicateSuggestion.objects.bulk_create(
        DuplicateSuggestion(first=a, second=b, similarity=0.9)
        for a, b in zip(themes, themes[1:], strict=False)
    )
    store_theme_stats()
    with django_assert_num_queries(13 + REPORT_GUARD_QUERIES):
        assert pm_client.get(reverse("dashboard")).status_code == 200


def test_a_rep_reads_a_theme_page_without_triage_controls(rep_client, rep):
    theme = _theme_with_deal(rep, "10", "SSO")
    page = rep_client.get(reverse("theme_page", args=[theme.pk])).content.decode()
    assert "SSO" in page and "Notes" in page
    assert "Rename" not in page and 'name="action"' not in page


def test_a_rep_is_refused_every_triage_request(rep_client, rep):
    theme = _theme_with_deal(rep, "10", "Keep")
    url = reverse("theme_action", args=[theme.pk])
    for data in ({"action": "rename", "title": "x"}, {"action": "status", "status": "shipped"}):
        assert rep_client.post(url, data).status_code == 403
    theme.refresh_from_db()
    assert (theme.title, theme.status) == ("Keep", "new")


def test_a_product_manager_renames_and_sees_it_in_the_timeline(pm_client, pm, rep):
    theme = _theme_with_deal(rep, "10", "Old name")
    url = reverse("theme_action", args=[theme.pk])
    response = pm_client.post(url, {"action": "rename", "title": "New name", "version": 1})
    assert response.status_code == 302
    page = pm_client.get(reverse("theme_page", args=[theme.pk])).content.decode()
    assert "New name" in page and "Renamed" in page and pm.display_name in page


def test_an_edit_on_a_stale_page_is_refused_with_a_message(pm_client, rep):
    theme = _theme_with_deal(rep, "10", "Name")
    url = reverse("theme_action", args=[theme.pk])
    pm_client.post(url, {"action": "rename", "title": "First", "version": 1})
    response = pm_client.post(
        url, {"action": "rename", "title": "Second", "version": 1}, follow=True
    )
    assert "This theme changed since you opened it (by you, in another tab?)" in (
        response.content.decode()
    )
    theme.refresh_from_db()
    assert theme.title == "First"


def test_merging_from_the_page_asks_first_then_leads_to_the_surviving_theme(pm_client, rep):
    source = _theme_with_deal(rep, "10", "Source")
    target = _theme_with_deal(rep, "10", "Target")
    url = reverse("theme_action", args=[source.pk])
    asked = pm_client.post(
        url, {"action": "merge", "target_text": f"{target.title} (#{target.pk})"}
    )
    assert Theme.objects.get(pk=source.pk).merged_into is None  # nothing merged yet
    confirm = pm_client.get(asked["Location"]).content.decode()
    assert "Merge these two themes?" in confirm and "undo the merge for 30 minutes" in confirm

    response = pm_client.post(url, {"action": "merge", "target": target.pk, "confirm": "yes"})
    assert response["Location"] == reverse("theme_page", args=[target.pk]) + "#triage"
    assert Theme.objects.get(pk=source.pk).merged_into == target
    old_link = pm_client.get(reverse("theme_page", args=[source.pk]))
    assert old_link["Location"] == reverse("theme_page", args=[target.pk])


def test_the_triage_panel_saves_only_what_changed_in_one_go(pm_client, pm, rep):
    theme = _theme_with_deal(rep, "10", "Old")
    page = pm_client.get(reverse("theme_page", args=[theme.pk])).content.decode()
    assert page.index('id="triage"') < page.index("Weekly mentions")  # near the top
    response = pm_client.post(
        reverse("theme_action", args=[theme.pk]),
        {
            "action": "save",
            "version": 1,
            "title": "New",
            "status": "new",
            "owner": pm.pk,
            "external_url": "",
            "description": "",
            "decision": "",
        },
    )
    assert response["Location"].endswith("#triage")
    theme.refresh_from_db()
    assert (theme.title, theme.owner) == ("New", pm)
    assert sorted(theme.events.values_list("kind", flat=True)) == ["owner", "renamed"]


def test_a_panel_save_that_declines_without_a_reason_changes_nothing(pm_client, rep):
    theme = _theme_with_deal(rep, "10", "Old")
    response = pm_client.post(
        reverse("theme_action", args=[theme.pk]),
        {"action": "save", "version": 1, "title": "New", "status": "declined"},
        follow=True,
    )
    assert "Say why it is declined" in response.content.decode()
    theme.refresh_from_db()
    assert (theme.title, theme.status) == ("Old", "new")


def test_the_theme_picker_finds_themes_by_title(pm_client):
    ThemeFactory(title="Single sign-on")
    ThemeFactory(title="Mobile app")
    html = pm_client.get(reverse("theme_options"), {"target_text": "sign"}).content.decode()
    assert "Single sign-on (#" in html and "Mobile app" not in html


def test_a_status_change_says_how_many_reps_are_being_told(pm_client, pm, rep, other_rep):
    theme = _theme_with_deal(rep, "10", "Audit log")
    ThemeAssignment.objects.create(note=CallNoteFactory(author=other_rep), theme=theme)
    url = reverse("theme_action", args=[theme.pk])
    response = pm_client.post(
        url, {"action": "status", "status": "shipped", "version": 1}, follow=True
    )
    assert "Status set to Shipped: 2 reps with notes in it are being notified." in (
        response.content.decode()
    )


def test_declining_asks_for_a_reason_that_the_reps_then_read(
    pm_client, rep, rep_client, eager_tasks, django_capture_on_commit_callbacks
):
    theme = _theme_with_deal(rep, "10", "Dark mode")
    url = reverse("theme_action", args=[theme.pk])
    refused = pm_client.post(url, {"action": "status", "status": "declined"}, follow=True)
    assert "Say why it is declined" in refused.content.decode()
    theme.refresh_from_db()
    assert theme.status == "new"

    with django_capture_on_commit_callbacks(execute=True):
        pm_client.post(
            url, {"action": "status", "status": "declined", "reason": "Not this year, sorry"}
        )
    theme.refresh_from_db()
    assert theme.status == "declined"
    for page in ("notifications", "my_requests"):
        assert "Not this year, sorry" in rep_client.get(reverse(page)).content.decode()


def test_a_triage_message_shows_in_the_panel_the_page_returns_to(pm_client, rep):
    theme = _theme_with_deal(rep, "10", "Old")
    response = pm_client.post(
        reverse("theme_action", args=[theme.pk]),
        {"action": "save", "version": 1, "title": "New"},
        follow=True,
    )
    page = response.content.decode()
    said = "Saved: title changed."
    assert page.index('id="triage"') < page.index(said) < page.index('id="notes"')
    assert page.count(said) == 1


def test_the_accounts_list_says_it_is_the_top_ten_of_all_accounts(pm_client, rep):
    theme = ThemeFactory(title="SSO")
    for _ in range(12):
        ThemeAssignment.objects.create(note=CallNoteFactory(author=rep), theme=theme)
    store_theme_stats()
    page = pm_client.get(reverse("theme_page", args=[theme.pk])).content.decode()
    assert "Top 10 of 12 accounts" in page and "Accounts <span" not in page


def test_a_short_accounts_list_is_headed_with_its_count(pm_client, rep):
    theme = _theme_with_deal(rep, "10", "SSO")
    store_theme_stats()
    page = pm_client.get(reverse("theme_page", args=[theme.pk])).content.decode()
    assert 'Accounts <span class="muted">(1)</span>' in page and "Top " not in page


def test_owner_lists_are_sorted_by_name(pm_client, rep):
    from tests.factories import AdminFactory, ProductManagerFactory

    ProductManagerFactory(first_name="Riley", last_name="Novak")
    AdminFactory(first_name="ada", last_name="Admin")
    ProductManagerFactory(first_name="Jordan", last_name="Lee")
    theme = _theme_with_deal(rep, "10", "SSO")
    for url in (reverse("theme_page", args=[theme.pk]), reverse("dashboard")):
        page = pm_client.get(url).content.decode()
        names = ["ada Admin", "Jordan Lee", "Riley Novak"]
        positions = [page.index(f">{name}</option>") for name in names]
        assert positions == sorted(positions), url


def test_what_they_say_quotes_only_the_customers_own_words_and_each_once(pm_client, rep):
    theme = ThemeFactory()
    quoted = CallNoteFactory(author=rep, body="Asked about Okta.", quote="No SSO, no deal.")
    summary = CallNoteFactory(author=rep, body="Follow-up with their IT lead. They need SSO.")
    again = CallNoteFactory(author=rep, body="follow-up with their IT lead.  They need SSO.")
    for note in (quoted, summary, again):
        ThemeAssignment.objects.create(note=note, theme=theme)
    theme.representative_note_ids = [quoted.pk, summary.pk, again.pk]
    theme.save(update_fields=["representative_note_ids"])

    page = pm_client.get(reverse("theme_page", args=[theme.pk])).content.decode()
    said = page[page.index("What they say") : page.index('id="notes"')]
    assert "“No SSO, no deal.”" in said
    # The rep's summary is shown as the rep's note, not in the customer's mouth…
    assert "Follow-up with their IT lead. They need SSO." in said
    assert "“Follow-up" not in said
    # …and the same words from two notes are shown once.
    assert said.casefold().count("they need sso.") == 1


def test_a_dashboard_page_past_the_end_says_so_and_leads_back(pm_client, rep):
    _theme_with_deal(rep, "1000", "Only one")
    store_theme_stats()
    page = pm_client.get(reverse("dashboard"), {"page": 2, "segment": "smb"}).content.decode()
    # Not "no themes match these filters": the first page has them.
    assert "No themes match these filters" not in page
    assert "past the end of the list" in page
    assert f'href="{reverse("dashboard")}?segment=smb"' in page


def test_a_theme_page_lists_its_own_notes_latest_call_first_ten_a_page(pm_client, rep):
    theme, other = ThemeFactory(title="Mine"), ThemeFactory(title="Other")
    today = dt.date(2026, 11, 20)
    notes = []
    for days_ago in [3, 0, 7, 3, 12, 1, 40, 3, 5, 9, 2, 30]:  # a tie on day 3: newest note first
        note = CallNoteFactory(author=rep, call_date=today - dt.timedelta(days=days_ago))
        ThemeAssignment.objects.create(note=note, theme=theme)
        notes.append(note)
    for days_ago in [0, 1]:  # newer notes of another theme are not listed
        note = CallNoteFactory(author=rep, call_date=today - dt.timedelta(days=days_ago))
        ThemeAssignment.objects.create(note=note, theme=other)
    expected = [n.pk for n in sorted(notes, key=lambda n: (n.call_date, n.pk), reverse=True)]
    url = reverse("theme_page", args=[theme.pk])

    first = pm_client.get(url).context["notes"]
    second = pm_client.get(url, {"page": 2}).context["notes"]

    assert [n.pk for n in first.object_list] == expected[:10] and first.has_next
    assert [n.pk for n in second.object_list] == expected[10:] and not second.has_next
    moved = notes[1]  # the latest call, moved away: the page follows at once
    ThemeAssignment.objects.filter(note=moved).update(theme=other)
    assert moved.pk not in [n.pk for n in pm_client.get(url).context["notes"].object_list]
