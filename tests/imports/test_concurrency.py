"""Two imports into one ward are committed one after the other (a transaction-level advisory
lock on the ward), so their natural-key checks cannot interleave."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from households.models import Household
from imports.models import ImportBatch
from imports.services import LOCK_NAMESPACE, import_commit
from tests.imports.helpers import HOUSEHOLD_HEADER, csv_bytes, household_lines, validate


def waiting_for_advisory_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_commit_waits_for_another_commit_of_the_same_ward(clerk_a, ward_a, groups_a):
    batch = validate(
        clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(2))
    )
    assert batch.status == ImportBatch.Status.READY
    done = threading.Event()

    def commit_in_another_connection():
        try:
            import_commit(actor=clerk_a, batch=batch)
        finally:
            connections.close_all()
            done.set()

    with transaction.atomic():
        # This transaction plays the other import: it holds the ward's lock.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, ward_a.pk])
        worker = threading.Thread(target=commit_in_another_connection)
        worker.start()
        for _attempt in range(200):  # until the other commit queues behind the lock
            if waiting_for_advisory_lock():
                break
            time.sleep(0.05)
        assert waiting_for_advisory_lock() == 1
        assert not done.is_set()
    worker.join(timeout=60)
    assert done.is_set()
    assert Household.objects.filter(ward=ward_a).count() == 2
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.COMMITTED
