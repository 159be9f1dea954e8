"""How PostgreSQL stores the search documents, which the speed of every search relies on."""
import pytest
from django.db import connection

from reports.models import Report

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's storage of wide rows"),
]


def storage(column):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
            [Report._meta.db_table, column],
        )
        return cursor.fetchone()[0]


def test_the_public_search_vector_is_kept_in_the_row():
    # Every search reads it for each report it looks at (the estimate's sample, the walk of the
    # newest reports for a common word): out of line it cost a TOAST read each (migration 0018).
    assert storage("search_vector_public") == "m"

