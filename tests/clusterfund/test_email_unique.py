"""One e-mail address, one account: the database, the forms, the login and the migration that set it up."""

import importlib

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from clusterfund.models import email_key

User = get_user_model()
PASSWORD = "Klyngeportal-Sommer-2021"
TAKEN_EN = "An account with this e-mail address already exists. Upper and lower case count as the same"
TAKEN_DA = "Der findes allerede en konto med denne e-mailadresse. Store og små bogstaver regnes for ens"
MIGRATION = importlib.import_module("clusterfund.migrations.0006_user_email_lower_unique")


@pytest.fixture
def karen(make_user):
    return make_user(email="karen@example.dk", password=PASSWORD)


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("administrator", is_staff=True, is_superuser=True))
    return client


def test_email_key_trims_and_lowers():
    assert email_key("  Karen.Klynge@Example.DK ") == "karen.klynge@example.dk"
    assert email_key(None) == ""


# --- the database -------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["Karen@example.dk", "KAREN@EXAMPLE.DK", "karen@Example.DK"])
def test_database_refuses_a_variant_beside_the_address(karen, variant):
    # QuerySet.create() skips clean() and the manager's lower-casing: only the constraint stands in the way.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email=variant)
    assert User.objects.filter(email__iexact="karen@example.dk").count() == 1


def test_database_refuses_a_variant_through_bulk_create_and_update(karen, make_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="KAREN@example.dk")])
    other = make_user(email="bo@example.dk")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email="Karen@Example.dk")
    assert User.objects.get(pk=other.pk).email == "bo@example.dk"


@pytest.mark.postgres
def test_postgresql_holds_the_lower_case_unique_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'user_email_lower_unique'")
        (definition,) = cursor.fetchone()
    assert "UNIQUE INDEX" in definition and "lower((email)::text)" in definition


def test_full_clean_refuses_the_variant_on_the_email_field(karen):
    other = User(email="Karen@Example.DK")
    with pytest.raises(ValidationError) as refused:
        other.full_clean(exclude=["password"])
    assert list(refused.value.message_dict) == ["email"]
    assert TAKEN_DA in refused.value.message_dict["email"][0]
    karen.email = "KAREN@example.dk"  # the same account in another case is still itself
    karen.full_clean(exclude=["password"])
    assert karen.email == "karen@example.dk"


# --- the admin's add and change forms -----------------------------------------------------------


@pytest.mark.parametrize("variant", ["Karen@Example.dk", "KAREN@EXAMPLE.DK"])
def test_admin_add_form_refuses_the_variant(admin_client, karen, variant):
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post(
        reverse("admin:clusterfund_user_add"),
        {"email": variant, "full_name": "Anden Karen", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["email"] and TAKEN_EN in errors["email"][0]
    assert TAKEN_EN in response.content.decode()
    assert User.objects.filter(email__iexact="karen@example.dk").count() == 1


def test_admin_add_form_stores_a_new_address_lower_case(admin_client, karen):
    response = admin_client.post(
        reverse("admin:clusterfund_user_add"),
        {"email": "Bo@Example.DK", "full_name": "Bo", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="bo@example.dk").exists()


def change_data(user, **overrides) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "10:00:00",
        **overrides,
    }


def test_admin_change_form_refuses_another_accounts_address_in_another_case(admin_client, karen, make_user):
    bo = make_user(email="bo@example.dk")
    response = admin_client.post(
        reverse("admin:clusterfund_user_change", args=[bo.pk]), change_data(bo, email="KAREN@example.dk")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["email"] and TAKEN_DA in errors["email"][0]
    assert User.objects.get(pk=bo.pk).email == "bo@example.dk"


def test_admin_change_form_lets_an_account_keep_its_own_address_in_another_case(admin_client, karen):
    response = admin_client.post(
        reverse("admin:clusterfund_user_change", args=[karen.pk]), change_data(karen, email="Karen@Example.DK")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(pk=karen.pk).email == "karen@example.dk"


# --- registration and invitation (the forms' own wording) ---------------------------------------


@pytest.mark.parametrize("variant", ["Karen@Example.dk", " KAREN@EXAMPLE.DK "])
def test_registration_refuses_the_variant(client, karen, variant):
    response = client.post(
        reverse("applications:register"),
        {"full_name": "Anden Karen", "email": variant, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 422
    assert "email" in response.context["form"].errors
    assert User.objects.filter(email__iexact="karen@example.dk").count() == 1


def test_invitation_to_a_members_address_in_another_case_is_refused(client, karen):
    from applications.models import Invitation
    from tests.factories.applications import OrganisationFactory

    organisation = OrganisationFactory()
    organisation.members.add(karen)
    client.force_login(karen)
    response = client.post(
        reverse("applications:organisation_invite", args=[organisation.pk]), {"email": "KAREN@Example.DK"}
    )
    assert response.status_code == 422
    assert "email" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_invitation_sent_to_the_address_in_another_case_is_accepted_by_the_account(client, karen, make_user):
    from applications.models import Invitation
    from applications.services_account import invitation_token
    from tests.factories.applications import OrganisationFactory

    organisation = OrganisationFactory()
    # Written past the service (which lower-cases), as an older row or an import might be.
    invitation = Invitation.objects.create(organisation=organisation, email=" Karen@Example.DK", invited_by=make_user())
    client.force_login(karen)
    response = client.post(reverse("applications:invitation", args=[invitation_token(invitation=invitation)]))
    assert response.status_code == 302
    assert organisation.members.filter(pk=karen.pk).exists()


# --- login --------------------------------------------------------------------------------------


def test_login_in_another_case_logs_in_the_one_account(client, karen):
    karen.last_login = karen.date_joined
    karen.save()
    response = client.post(reverse("login"), {"username": "  KAREN@Example.dk", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(karen.pk)


def test_lockout_counts_failures_in_every_case_as_one_address(client, karen):
    url = reverse("login")
    typed = ["karen@example.dk", "KAREN@example.dk", "Karen@Example.dk", "karen@EXAMPLE.DK", "KaReN@example.dk"]
    answers = [client.post(url, {"username": name, "password": "wrong"}).status_code for name in typed]
    assert answers == [200, 200, 200, 200, 429]  # the fifth failure locks, as for one spelling
    response = client.post(url, {"username": "KAREN@EXAMPLE.DK", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- the migration ------------------------------------------------------------------------------


def migrate(target: list[tuple[str, str]] | None = None):
    """Migrate the test database to `target`; with none, back to the newest migrations (the suite's schema)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    target = target or executor.loader.graph.leaf_nodes()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


BEFORE = [("clusterfund", "0005_outbox")]
AFTER = [("clusterfund", "0006_user_email_lower_unique")]


@pytest.mark.django_db(transaction=True)
def test_migration_stops_with_a_report_of_the_duplicates():
    old_apps = migrate(BEFORE)
    OldUser = old_apps.get_model("clusterfund", "User")
    first = OldUser.objects.create(email="karen@example.dk")
    second = OldUser.objects.create(email="Karen@Example.DK")
    OldUser.objects.create(email="bo@example.dk")
    try:
        with pytest.raises(MIGRATION.DuplicateEmails) as stopped:
            migrate(AFTER)
        report = str(stopped.value)
        assert "1 e-mail address(es) belong to more than one account" in report
        assert f"user id {first.pk}: 'karen@example.dk'" in report
        assert f"user id {second.pk}: 'Karen@Example.DK'" in report
        assert "bo@example.dk" not in report
        assert OldUser.objects.filter(email="Karen@Example.DK").exists()  # nothing was changed
    finally:
        OldUser.objects.all().delete()
        migrate()


@pytest.mark.django_db(transaction=True)
def test_migration_lowers_the_addresses_when_no_one_is_duplicated():
    old_apps = migrate(BEFORE)
    OldUser = old_apps.get_model("clusterfund", "User")
    OldUser.objects.create(email="Karen@Example.DK")
    OldUser.objects.create(email="bo@example.dk")
    try:
        migrate(AFTER)
        lowered = sorted(OldUser.objects.values_list("email", flat=True))
        with pytest.raises(IntegrityError), transaction.atomic():
            OldUser.objects.create(email="KAREN@example.dk")
    finally:
        OldUser.objects.all().delete()
        migrate()
    assert lowered == ["bo@example.dk", "karen@example.dk"]
