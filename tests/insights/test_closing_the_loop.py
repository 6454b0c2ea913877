"""When product moves a theme, every rep with a note in it hears about it: once."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from insights.loop import tasks
from insights.loop.models import Notification
from insights.themes import triage
from insights.themes.models import ThemeAssignment
from tests.factories import (
    AccountFactory,
    CallNoteFactory,
    ProductManagerFactory,
    RepFactory,
    ThemeFactory,
)
from tests.insights.conftest import note_in_theme

pytestmark = pytest.mark.django_db


def _change(theme, status, actor, capture):
    reason = "Not this year" if status == "declined" else ""
    with capture(execute=True):
        return triage.theme_set_status(theme=theme, status=status, actor=actor, reason=reason)


def test_each_rep_with_a_note_gets_one_notification_naming_their_accounts_and_open_deals(
    sso, rep, other_rep, pm, eager_tasks, django_capture_on_commit_callbacks
):
    _change(sso, "planned", pm, django_capture_on_commit_callbacks)

    by_user = {n.recipient: n for n in Notification.objects.all()}
    assert set(by_user) == {rep, other_rep}
    mine = by_user[rep]
    assert (mine.old_status, mine.new_status) == ("new", "planned")
    assert [a["name"] for a in mine.details["accounts"]] == ["Acme", "Globex"]
    assert [(d["name"], d["amount"]) for d in mine.details["deals"]] == [
        ("Acme renewal", "50000.00"),
        ("Globex pilot", "12000.00"),
    ]
    assert Decimal(mine.details["open_pipeline"]) == Decimal("62000")
    assert by_user[other_rep].details["deals"] == []

    emails = {m.to[0]: m for m in mail.outbox}
    assert set(emails) == {rep.email, other_rep.email}
    body = emails[rep.email].body
    assert "“Enterprise SSO” moved from New to Planned" in body
    assert "Acme renewal (Acme): $50,000" in body and "Globex pilot (Globex)" in body
    assert "$62,000 in pipeline" in body
    assert "Acme lost" not in body and "Globex other" not in body and "Initech" not in body
    assert f"/themes/{sso.pk}/" in body
    assert "Initech" in emails[other_rep.email].body and "Acme" not in emails[other_rep.email].body


def test_a_retried_fan_out_delivers_nothing_twice(
    sso, pm, eager_tasks, django_capture_on_commit_callbacks
):
    _change(sso, "shipped", pm, django_capture_on_commit_callbacks)
    event = sso.events.get(kind="status")
    tasks.theme_status_fan_out(event.pk)  # the task delivered again (a retry, a redelivery)
    tasks.theme_status_fan_out.delay(event.pk)
    tasks.send_status_emails(event.pk)

    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2
    assert set(Notification.objects.values_list("email", flat=True)) == {"sent"}


def test_only_planned_in_progress_shipped_and_declined_notify(
    sso, pm, eager_tasks, django_capture_on_commit_callbacks
):
    _change(sso, "under_review", pm, django_capture_on_commit_callbacks)
    assert not Notification.objects.exists() and not mail.outbox
    _change(sso, "declined", pm, django_capture_on_commit_callbacks)
    assert Notification.objects.count() == 2


def test_the_person_who_made_the_change_is_not_told_about_it(
    rep, eager_tasks, django_capture_on_commit_callbacks
):
    theme = ThemeFactory()
    pm_with_a_note = ProductManagerFactory()
    note_in_theme(theme, pm_with_a_note, AccountFactory())
    note_in_theme(theme, rep, AccountFactory())
    _change(theme, "planned", pm_with_a_note, django_capture_on_commit_callbacks)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [rep.pk]


def test_each_of_two_changes_is_delivered_once(
    sso, pm, eager_tasks, django_capture_on_commit_callbacks
):
    _change(sso, "planned", pm, django_capture_on_commit_callbacks)
    sso.refresh_from_db()
    _change(sso, "in_progress", pm, django_capture_on_commit_callbacks)
    assert Notification.objects.count() == 4  # two reps × two changes
    assert len(mail.outbox) == 4
    assert sorted(Notification.objects.values_list("new_status", flat=True)) == [
        "in_progress",
        "in_progress",
        "planned",
        "planned",
    ]


@pytest.mark.django_db(transaction=True)
def test_two_racing_status_changes_and_racing_deliveries_still_deliver_each_change_once(
    eager_tasks,
):
    rep, pm, other_pm = RepFactory(), ProductManagerFactory(), ProductManagerFactory()
    theme = ThemeFactory()
    note_in_theme(theme, rep, AccountFactory())
    barrier = threading.Barrier(2)

    def change(actor, status):
        try:
            barrier.wait()
            triage.theme_set_status(theme=theme, status=status, actor=actor)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=change, args=(pm, "planned")),
        threading.Thread(target=change, args=(other_pm, "shipped")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    events = list(theme.events.filter(kind="status").order_by("pk"))
    assert len(events) == 2  # both changes happened, one after the other

    def fan_out(event_id):
        try:
            barrier.wait()
            tasks.theme_status_fan_out(event_id)
        finally:
            connection.close()

    # Each change's task runs twice at the same time (a redelivery racing the original).
    for event in events:
        racing = [threading.Thread(target=fan_out, args=(event.pk,)) for _ in range(2)]
        for t in racing:
            t.start()
        for t in racing:
            t.join()

    assert sorted(
        Notification.objects.filter(recipient=rep).values_list("event_id", flat=True)
    ) == [e.pk for e in events]
    assert len([m for m in mail.outbox if m.to == [rep.email]]) == 2


def test_preferences_decide_the_emails_not_the_bell(
    sso, rep, other_rep, pm, eager_tasks, django_capture_on_commit_callbacks
):
    rep.notification_preference = "off"
    rep.save()
    other_rep.notification_preference = "daily"
    other_rep.save()
    _change(sso, "planned", pm, django_capture_on_commit_callbacks)
    sso.refresh_from_db()
    _change(sso, "shipped", pm, django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert Notification.objects.filter(recipient=rep).count() == 2  # the bell still shows them
    assert set(Notification.objects.filter(recipient=rep).values_list("email", flat=True)) == {
        "skipped"
    }

    tasks.send_daily_digests()
    tasks.send_daily_digests()  # beat fired twice: the digest still goes once
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [other_rep.email]
    assert "2 themes" in digest.subject
    assert "to Planned" in digest.body and "to Shipped" in digest.body and "Initech" in digest.body


def test_someone_who_turns_emails_off_before_the_digest_is_not_mailed(
    sso, other_rep, pm, eager_tasks, django_capture_on_commit_callbacks
):
    other_rep.notification_preference = "daily"
    other_rep.save()
    _change(sso, "planned", pm, django_capture_on_commit_callbacks)
    other_rep.notification_preference = "off"
    other_rep.save()
    tasks.send_daily_digests()
    assert [m.to for m in mail.outbox] == [[sso.assignments.first().note.author.email]]
    assert Notification.objects.get(recipient=other_rep).email == "skipped"


# --- The bell and the notifications page, from the rep's side ---------------------


def test_the_bell_counts_unread_and_opening_one_marks_it_read(
    sso, rep, rep_client, pm, eager_tasks, django_capture_on_commit_callbacks
):
    _change(sso, "shipped", pm, django_capture_on_commit_callbacks)
    page = rep_client.get(reverse("my_notes")).content.decode()
    assert 'data-testid="unread-count">1<' in page

    mine = Notification.objects.get(recipient=rep)
    listing = rep_client.get(reverse("notifications")).content.decode()
    assert "Enterprise SSO" in listing and reverse("notification_open", args=[mine.pk]) in listing
    assert "2 of your accounts, 2 open deals ($62,000)" in listing

    opened = rep_client.get(reverse("notification_open", args=[mine.pk])).content.decode()
    assert "Acme renewal" in opened and "win-back list" in opened
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "unread-count" not in rep_client.get(reverse("my_notes")).content.decode()


def test_a_rep_sees_only_their_own_notifications(
    sso, rep, other_rep, rep_client, pm, eager_tasks, django_capture_on_commit_callbacks
):
    _change(sso, "planned", pm, django_capture_on_commit_callbacks)
    theirs = Notification.objects.get(recipient=other_rep)
    assert rep_client.get(reverse("notification_open", args=[theirs.pk])).status_code == 404
    listing = rep_client.get(reverse("notifications")).content.decode()
    assert "Initech" not in listing and listing.count("moved from") == 1

    rep_client.post(reverse("notifications_mark_read"))
    theirs.refresh_from_db()
    assert theirs.read_at is None  # marking all read only touches one's own


def test_anonymous_visitors_are_sent_to_log_in(client):
    for name in ["notifications", "notification_settings", "my_requests", "winback"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_chooses_how_they_are_emailed(rep, rep_client):
    url = reverse("notification_settings")
    assert 'value="daily"' in rep_client.get(url).content.decode()
    rep_client.post(url, {"notification_preference": "daily"})
    rep.refresh_from_db()
    assert rep.notification_preference == "daily"

    response = rep_client.post(url, {"notification_preference": "hourly"})
    assert response.status_code == 200 and "not one of the available choices" in (
        response.content.decode()
    )
    rep.refresh_from_db()
    assert rep.notification_preference == "daily"


@pytest.mark.worker
def test_a_real_worker_given_the_same_change_twice_delivers_it_once(celery_worker_process):
    import time

    from insights.loop.models import WebhookDelivery, WebhookEndpoint
    from tests.insights.test_webhooks import Receiver

    receiver = Receiver([])
    try:
        WebhookEndpoint.objects.create(name="Slack", url=receiver.url)
        rep, pm = RepFactory(), ProductManagerFactory()
        theme = ThemeFactory()
        note = CallNoteFactory(author=rep)
        # Put there by a person, so the worker's placement of the new note leaves it be.
        ThemeAssignment.objects.create(note=note, theme=theme, assigned_by="person", locked=True)
        triage.theme_set_status(theme=theme, status="shipped", actor=pm)
        event = theme.events.get(kind="status")
        # The signal already queued the change after commit; here it comes twice more
        # (a redelivery after a lost acknowledgement, a retry).
        tasks.theme_status_fan_out.delay(event.pk)
        tasks.theme_status_fan_out.delay(event.pk)

        deadline = time.monotonic() + 30
        while not (
            Notification.objects.filter(email="sent").exists()
            and WebhookDelivery.objects.filter(state="delivered").exists()
        ):
            assert time.monotonic() < deadline, "the worker did not deliver the change"
            time.sleep(0.2)
        time.sleep(2)  # let the duplicate run its course too
        assert Notification.objects.filter(recipient=rep).count() == 1
        assert WebhookDelivery.objects.get().attempts == 1
        assert len(receiver.received) == 1
    finally:
        receiver.close()


# --- Django admin edits of a theme are product decisions too ------------------------
