"""The log-a-call hint with a real worker: the page never waits, the answer arrives."""

import re
import time

import pytest
from django.urls import reverse

from insights.themes.models import ClusteringRun, ThemeAssignment
from tests.theming.conftest import make_notes, run_now
from tests.worker import WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _poll_url(html: str) -> str | None:
    match = re.search(r'hx-get="([^"]+)"', html)
    return match[1].replace("&amp;", "&") if match else None


def test_the_hint_answers_from_the_worker_without_the_request_waiting(rep, rep_client):
    notes = make_notes(rep)
    assert run_now().state == ClusteringRun.State.SUCCEEDED
    sso = ThemeAssignment.objects.get(
        note=next(n for n in notes if "SAML single sign-on through Okta" in n.body)
    ).theme
    log = WorkerProcess().log_path
    log_start = log.stat().st_size if log.exists() else 0
    worker = WorkerProcess().start()
    try:
        started = time.monotonic()
        page = rep_client.get(
            reverse("similar_to_draft"),
            {"body": "Their IT wants everyone to sign in with Okta single sign-on.", "pick": "1"},
        ).content.decode()
        assert time.monotonic() - started < 1.0
        assert "Looking for known needs" in page

        # The page polls; the worker (model loading as it started) answers.
        deadline = time.monotonic() + 90
        while (url := _poll_url(page)) and time.monotonic() < deadline:
            time.sleep(0.5)
            url = re.sub(r"tries=\d+", "tries=1", url)  # keep asking for as long as we allow
            page = rep_client.get(url).content.decode()
        assert "This need is already known" in page
        assert f'name="theme" value="{sso.pk}"' in page

        # The worker process loaded the model as it started, not on first use.
        deadline = time.monotonic() + 60
        while "Embedding model loaded in" not in log.read_bytes()[log_start:].decode(
            errors="replace"
        ):
            assert time.monotonic() < deadline, "the worker never loaded the model at start"
            time.sleep(0.5)
    finally:
        worker.stop()
