"""The OpenAPI schema tells the truth: schemathesis generates requests from it and
sends them, as a rep and as an admin, to the live test server. No answer may be a
server error, a status the schema does not list, or a body it does not describe.

Bounded: a few examples per operation and mode, no shrinking.
"""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.factories import (
    AccountFactory,
    AdminFactory,
    CallNoteFactory,
    CompetitorFactory,
    DealFactory,
    RepFactory,
    TagFactory,
    ThemeFactory,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

# Generated in-process from the same code that serves /api/schema/.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


@pytest.fixture
def world():
    """A little of everything, with the ids the generated requests are likely to hit."""
    rep = RepFactory(username="schema-rep")
    account = AccountFactory(owner=rep)
    deal = DealFactory(account=account, owner=rep)
    CallNoteFactory(author=rep, account=account, deal=deal, tags=[TagFactory(name="sso")])
    CompetitorFactory(name="Aha!")
    owned = ThemeFactory(title="SSO", owner=AdminFactory(username="schema-owner"))
    ThemeFactory(title="Exports", owner=None, external_url="")
    ThemeFactory(title="Merged", merged_into=owned)
    return {"rep": rep, "admin": AdminFactory(username="schema-admin")}


def _failures_of(operation, mode, headers, base_url) -> list[str]:
    """Send generated requests for one operation; return what went wrong, if anything."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is enough
    )
    def send(case):
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

    try:
        send()
    except (Exception, BaseExceptionGroup) as exc:  # names the request and the failed check
        return [f"{operation.label} [{mode.value}]: {str(exc)[:1500]}"]
    return []


def test_the_api_answers_as_its_schema_says_to_a_rep_and_an_admin(world, live_server):
    # One test for all operations: the live server needs a flushed database per
    # test, and one flush instead of sixty keeps this within a couple of minutes.
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures = []
    for role in ("rep", "admin"):
        token, _ = Token.objects.get_or_create(user=world[role])
        headers = {"Authorization": f"Token {token.key}"}
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                failures += [
                    f"{role}: {f}" for f in _failures_of(operation, mode, headers, live_server.url)
                ]
    assert failures == [], "\n\n".join(failures)
