"""The database connection as the settings make it."""
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_postgresql_connections_compile_no_statement_just_in_time():
    # A search's count took 7 ms to run and 35 ms to JIT-compile at 100,000 reports.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
