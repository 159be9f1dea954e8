"""
The API as an OpenAPI client finds it: schemathesis reads the schema the live server serves and
sends every operation requests made from it (valid ones, and ones the schema rules out), anonymously and with
a subscriber's token. No answer may be a 5xx, each must be of a status, content type and shape the
schema declares, and invalid parameters must be refused.

Left out: schemathesis's check that every schema-valid request is accepted. A filter naming a series,
tag or entity that does not exist is refused with a 400 that names it (the README's promise: a
program should hear about its mistakes), while the schema can only say it is a slug.
"""
import itertools

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from reports.models import APIToken
from tests.factories import SubscriptionFactory, tier

EXAMPLES = 25
OPERATIONS = 11  # the index, five lists and five single objects: a new endpoint must be counted here


@pytest.fixture
def served_schema(live_server, transactional_db, django_db_serialized_rollback):
    """The demo desk, committed so that the live server sees it (data migrations put back after each test)."""
    call_command("load_demo", "--password", "contract-tests-password", verbosity=0)
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")


def check_every_operation(schema, headers):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == OPERATIONS
    for operation, mode in itertools.product(operations, GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def answers_as_described(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            answers_as_described()
        except Unsatisfiable:
            # Every request the schema allows is fine here (a slug in the path is any text): nothing to get wrong.
            assert mode is GenerationMode.NEGATIVE, operation.label


def test_every_operation_answers_as_described_to_the_public(served_schema):
    check_every_operation(served_schema, headers={})


def test_every_operation_answers_as_described_to_a_subscribers_token(served_schema):
    token = APIToken.issue(user=SubscriptionFactory(tier=tier("premium")).user, name="contract tests")[1]
    check_every_operation(served_schema, headers={"Authorization": f"Bearer {token}"})
