"""The role × URL table: every named URL has a row, and every cell (URL × identity × method) gets the answer
its row expects. The format of a row is in tests/access/table.py."""

import pytest
from django.db import transaction

from tests.access import table_allocation, table_applications, table_clusterfund, table_governance, table_review
from tests.access.table import IDENTITIES, METHODS, NOT_TABLED, mismatches, named_urls
from tests.access.world import build_world

# One module per app; a new app adds its module here.
TABLES = {
    "clusterfund": table_clusterfund.ROWS,
    "applications": table_applications.ROWS,
    "review": table_review.ROWS,
    "allocation": table_allocation.ROWS,
    "governance": table_governance.ROWS,
}
ALL_ROWS = [row for rows in TABLES.values() for row in rows]


def test_every_url_has_a_row():
    tabled = {row.name for row in ALL_ROWS}
    missing = sorted(named_urls() - tabled - set(NOT_TABLED))
    assert not missing, f"URLs without a row in the access table (tests/access/table_<app>.py): {missing}"


def test_every_row_names_a_url_of_the_project():
    unknown = sorted({row.name for row in ALL_ROWS} - named_urls())
    assert not unknown, f"rows for URL names the project does not have: {unknown}"


def test_rows_are_not_repeated():
    titles = [row.title for row in ALL_ROWS]
    assert len(titles) == len(set(titles))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Build the world once for every table, in a transaction rolled back after the module's last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("app", TABLES)
def test_access_table(app, world):
    wrong = mismatches(TABLES[app], world)
    cells = len(TABLES[app]) * len(IDENTITIES) * len(METHODS)
    assert not wrong, f"{len(wrong)} of {cells} cells answer otherwise than the table says:\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_a_cell_that_answers_otherwise_is_reported(world):
    from tests.access.table import Row, answers

    wrong = mismatches([Row("home", get=answers(404, anonymous=200), post=405)], world)
    assert len(wrong) == len(IDENTITIES) - 1
    assert "home GET / as applicant: expected 404, got 200" in wrong


@pytest.mark.django_db
def test_a_cell_leaves_the_world_as_it_was(world):
    from django.urls import reverse

    from applications.models import Application
    from tests.access.table import ask, login_clients

    client = login_clients(world)["applicant"]
    url = reverse("applications:submit", kwargs={"pk": world.draft.pk})
    assert ask(client, "post", url) == 302  # the complete draft was submitted, inside the cell's savepoint
    assert Application.objects.get(pk=world.draft.pk).status == Application.Status.DRAFT
    assert ask(client, "post", reverse("logout")) == 302
    assert ask(client, "get", url) == 200  # still logged in: the logout was rolled back with its cookies
