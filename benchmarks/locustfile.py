"""The mixed workload of issue 12, for `benchmarks/loadtest.py` (which starts gunicorn and
prepares the sessions, tokens and ids this file reads from FH_LOADTEST_FIXTURE).

Three kinds of people, in the proportions of a sales floor with its product team:
product managers reading reports, reps logging calls and reading their notes,
and integrations paging through the notes API. Each request is named for its
kind so that the summary gives p50 / p95 / errors per kind.
"""

import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

FIXTURE = json.loads(Path(os.environ["FH_LOADTEST_FIXTURE"]).read_text())
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OLDER = re.compile(r'href="\?([^"]*older=[^"]*)"')


def _session(user, key: str) -> None:
    user.client.cookies.set("sessionid", key, domain="127.0.0.1")


class ProductManager(HttpUser):
    weight = 3
    wait_time = between(0.5, 2)

    def on_start(self):
        _session(self, random.choice(FIXTURE["pm_sessions"]))
        # With `loadtest.py --report-pool`, the report pages have their own server.
        self.client.base_url = FIXTURE.get("report_host", self.client.base_url)

    @task(3)
    def dashboard(self):
        self.client.get("/themes/", name="dashboard")

    @task(2)
    def dashboard_period(self):
        period = random.choice(["30", "90", "365"])
        self.client.get(f"/themes/?period={period}", name="dashboard ?period")

    @task(2)
    def dashboard_tag(self):
        tag = random.choice(FIXTURE["tags"])
        self.client.get("/themes/", params={"tag": tag}, name="dashboard ?tag")

    @task(2)
    def dashboard_competitor(self):
        competitor = random.choice(FIXTURE["competitors"])
        self.client.get(f"/themes/?competitor={competitor}", name="dashboard ?competitor")

    @task(3)
    def theme_page(self):
        theme = random.choice(FIXTURE["themes"])
        self.client.get(f"/themes/{theme}/", name="theme page")

    @task(1)
    def biggest_theme_page(self):
        self.client.get(f"/themes/{FIXTURE['biggest_theme']}/", name="theme page (biggest)")

    @task(2)
    def overview(self):
        self.client.get("/overview/?period=90", name="overview")

    @task(1)
    def competitors(self):
        self.client.get("/competitors/", name="competitors")

    @task(1)
    def competitor_page(self):
        competitor = random.choice(FIXTURE["competitors"])
        self.client.get(f"/competitors/{competitor}/", name="competitor page")

    @task(1)
    def export(self):
        period = random.choice(["90", "365"])
        self.client.get(f"/themes/?format=csv&period={period}", name="export csv")


class Rep(HttpUser):
    weight = 4
    wait_time = between(0.5, 2)

    def on_start(self):
        me = random.choice(FIXTURE["reps"])
        _session(self, me["session"])
        self.accounts = me["accounts"]

    @task(4)
    def save_a_note(self):
        form = self.client.get("/notes/new/", name="log a call (form)")
        token = CSRF.search(form.text)
        if token is None:
            return
        # "save a note" is the POST alone (validate, write, queue placement,
        # answer the redirect); the confirmation page the browser then loads is
        # timed as its own request, so that each figure says what it costs. Each
        # note says something new: the same words for the same account within
        # half an hour would be refused as a double save (the form again, 200).
        with self.client.post(
            "/notes/new/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "account": random.choice(self.accounts),
                "call_date": FIXTURE["today"],
                "body": "Load test: they need SAML single sign-on before the rollout "
                f"of {random.randrange(10**9)} seats.",
                "tags": "sso, security",
                "importance": "important",
            },
            headers={"Referer": self.host + "/notes/new/"},
            name="save a note",
            allow_redirects=False,
            catch_response=True,
        ) as saved:
            if saved.status_code != 302:
                saved.failure(f"not saved: answered {saved.status_code} instead of a redirect")
                return
        self.client.get(saved.headers["Location"], name="saved: confirmation page")

    @task(4)
    def my_notes(self):
        first = self.client.get("/notes/mine/", name="my notes")
        older = OLDER.search(first.text)
        if older:
            self.client.get(
                "/notes/mine/?" + older.group(1).replace("&amp;", "&"), name="my notes (older)"
            )

    @task(1)
    def my_requests(self):
        self.client.get("/my-requests/", name="my requests")


class ApiClient(HttpUser):
    weight = 1
    wait_time = between(0.5, 2)

    def on_start(self):
        token = random.choice(FIXTURE["api_tokens"])
        self.client.headers["Authorization"] = f"Token {token}"

    @task
    def page_through_notes(self):
        url = "/api/v1/notes/"
        for _ in range(5):
            response = self.client.get(url, name="api notes page")
            if response.status_code != 200:
                return
            url = response.json().get("next")
            if not url:
                return
