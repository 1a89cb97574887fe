"""The database itself keeps an approved allocation as it was approved, whatever the path (ORM `update()` or
`delete()`, a save outside the services, the admin, raw SQL):

* it refuses UPDATE and DELETE of an approved proposal, and any INSERT, UPDATE or DELETE of its amounts;
* it refuses UPDATE and DELETE of an approved proposal's approvals;
* it refuses UPDATE and DELETE of a selection behind an approved allocation, and any change to its UFM grants;
* it refuses to add, change (a re-save of the same values passes) or delete a budget frame of a call with an
  approved allocation;
* any INSERT, UPDATE or DELETE of a submitted proposal's amounts bumps the proposal's revision, so the members'
  approvals of the amounts they saw no longer count; and a revision never goes back.

Every refusal is an IntegrityError whose message starts with ``allocation_locked`` (see
allocation/database_lock.py). PostgreSQL and SQLite get the same triggers. On SQLite, `flush` (the test
suite's teardown) deletes row by row, so the DELETE triggers let it through while
``allocation_lock_lifted()`` - a function each Django connection registers - says so; PostgreSQL's flush
is TRUNCATE, which fires no row trigger.

Note for later migrations: on SQLite, Django alters a table by rebuilding it, which drops its triggers. A
migration that alters one of these tables must run this migration's SQLite statements again
(tests/allocation/test_database_lock.py fails if a trigger is missing).
"""

from django.db import migrations

REFUSAL = "allocation_locked: an approved allocation cannot change"

POSTGRESQL = """
CREATE OR REPLACE FUNCTION allocation_refuse(operation text, tablename text) RETURNS void AS $$
BEGIN
    RAISE EXCEPTION 'allocation_locked: an approved allocation cannot change (% on % refused)', operation, tablename
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION allocation_proposal_approved(proposal bigint) RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1 FROM allocation_proposal WHERE id = proposal AND status = 'approved');
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION allocation_application_locked(application bigint) RETURNS boolean AS $$
    SELECT EXISTS (
        SELECT 1 FROM allocation_proposalamount a JOIN allocation_proposal p ON p.id = a.proposal_id
        WHERE a.application_id = application AND p.status = 'approved'
    );
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION allocation_call_locked(call bigint) RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1 FROM allocation_proposal WHERE call_id = call AND status = 'approved');
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION allocation_proposal_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'approved' THEN
        PERFORM allocation_refuse(TG_OP, TG_TABLE_NAME);
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.revision < OLD.revision THEN
        RAISE EXCEPTION 'allocation_locked: a proposal''s revision cannot go back'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION allocation_proposal_child_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND allocation_proposal_approved(OLD.proposal_id) THEN
        PERFORM allocation_refuse(TG_OP, TG_TABLE_NAME);
    END IF;
    IF TG_OP <> 'DELETE' AND allocation_proposal_approved(NEW.proposal_id) THEN
        PERFORM allocation_refuse(TG_OP, TG_TABLE_NAME);
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION allocation_amount_bump() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.proposal_id, OLD.application_id, OLD.year, OLD.amount)
            IS NOT DISTINCT FROM (NEW.proposal_id, NEW.application_id, NEW.year, NEW.amount) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE allocation_proposal SET revision = revision + 1 WHERE id = OLD.proposal_id AND status = 'submitted';
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.proposal_id <> OLD.proposal_id) THEN
        UPDATE allocation_proposal SET revision = revision + 1 WHERE id = NEW.proposal_id AND status = 'submitted';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION allocation_selection_guard() RETURNS trigger AS $$
BEGIN
    IF allocation_application_locked(OLD.application_id)
            OR (TG_OP = 'UPDATE' AND allocation_application_locked(NEW.application_id)) THEN
        PERFORM allocation_refuse(TG_OP, TG_TABLE_NAME);
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION allocation_grant_guard() RETURNS trigger AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND allocation_application_locked(
            (SELECT application_id FROM allocation_selection WHERE id = OLD.selection_id)))
        OR (TG_OP <> 'DELETE' AND allocation_application_locked(
            (SELECT application_id FROM allocation_selection WHERE id = NEW.selection_id))) THEN
        PERFORM allocation_refuse(TG_OP, TG_TABLE_NAME);
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION allocation_frame_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW THEN
        RETURN NEW;  -- re-saving the same values (seed_demo's update_or_create) changes nothing
    END IF;
    IF (TG_OP <> 'INSERT' AND allocation_call_locked(OLD.call_id))
            OR (TG_OP <> 'DELETE' AND allocation_call_locked(NEW.call_id)) THEN
        PERFORM allocation_refuse(TG_OP, TG_TABLE_NAME);
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER allocation_proposal_locked BEFORE UPDATE OR DELETE ON allocation_proposal
    FOR EACH ROW EXECUTE FUNCTION allocation_proposal_guard();
CREATE TRIGGER allocation_proposalamount_locked BEFORE INSERT OR UPDATE OR DELETE ON allocation_proposalamount
    FOR EACH ROW EXECUTE FUNCTION allocation_proposal_child_guard();
CREATE TRIGGER allocation_proposalamount_revision AFTER INSERT OR UPDATE OR DELETE ON allocation_proposalamount
    FOR EACH ROW EXECUTE FUNCTION allocation_amount_bump();
CREATE TRIGGER allocation_proposalapproval_locked BEFORE UPDATE OR DELETE ON allocation_proposalapproval
    FOR EACH ROW EXECUTE FUNCTION allocation_proposal_child_guard();
CREATE TRIGGER allocation_selection_locked BEFORE UPDATE OR DELETE ON allocation_selection
    FOR EACH ROW EXECUTE FUNCTION allocation_selection_guard();
CREATE TRIGGER allocation_selectiongrant_locked BEFORE INSERT OR UPDATE OR DELETE ON allocation_selectiongrant
    FOR EACH ROW EXECUTE FUNCTION allocation_grant_guard();
CREATE TRIGGER allocation_budgetframe_locked BEFORE INSERT OR UPDATE OR DELETE ON applications_budgetframe
    FOR EACH ROW EXECUTE FUNCTION allocation_frame_guard();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS allocation_proposal_locked ON allocation_proposal;
DROP TRIGGER IF EXISTS allocation_proposalamount_locked ON allocation_proposalamount;
DROP TRIGGER IF EXISTS allocation_proposalamount_revision ON allocation_proposalamount;
DROP TRIGGER IF EXISTS allocation_proposalapproval_locked ON allocation_proposalapproval;
DROP TRIGGER IF EXISTS allocation_selection_locked ON allocation_selection;
DROP TRIGGER IF EXISTS allocation_selectiongrant_locked ON allocation_selectiongrant;
DROP TRIGGER IF EXISTS allocation_budgetframe_locked ON applications_budgetframe;
DROP FUNCTION IF EXISTS allocation_proposal_guard();
DROP FUNCTION IF EXISTS allocation_proposal_child_guard();
DROP FUNCTION IF EXISTS allocation_amount_bump();
DROP FUNCTION IF EXISTS allocation_selection_guard();
DROP FUNCTION IF EXISTS allocation_grant_guard();
DROP FUNCTION IF EXISTS allocation_frame_guard();
DROP FUNCTION IF EXISTS allocation_call_locked(bigint);
DROP FUNCTION IF EXISTS allocation_application_locked(bigint);
DROP FUNCTION IF EXISTS allocation_proposal_approved(bigint);
DROP FUNCTION IF EXISTS allocation_refuse(text, text);
"""

# SQLite: the same rules, one trigger per table and operation (a WHEN clause may hold a subquery here).
APPROVED = "EXISTS (SELECT 1 FROM allocation_proposal WHERE id = {row}.proposal_id AND status = 'approved')"
APPLICATION_LOCKED = (
    "EXISTS (SELECT 1 FROM allocation_proposalamount a JOIN allocation_proposal p ON p.id = a.proposal_id "
    "WHERE a.application_id = {application} AND p.status = 'approved')"
)
SELECTION_LOCKED = APPLICATION_LOCKED.format(
    application="(SELECT application_id FROM allocation_selection WHERE id = {row}.selection_id)"
)
CALL_LOCKED = "EXISTS (SELECT 1 FROM allocation_proposal WHERE call_id = {row}.call_id AND status = 'approved')"
FRAME_CHANGED = " OR ".join(
    f"OLD.{column} IS NOT NEW.{column}"
    for column in ("id", "call_id", "year", "funder", "amount", "source", "source_year", "is_conditional")
)
LIFTED = "allocation_lock_lifted()"


def _refusal(name: str, when: str, table: str, operation: str) -> str:
    timing = "BEFORE"
    if operation == "DELETE":
        when = f"({when}) AND NOT {LIFTED}"
    return (
        f"CREATE TRIGGER {name} {timing} {operation} ON {table} FOR EACH ROW WHEN {when} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL} ({operation} on {table} refused)'); END;"
    )


def _bump(row: str) -> str:
    return (
        f"UPDATE allocation_proposal SET revision = revision + 1 WHERE id = {row}.proposal_id AND status = 'submitted';"  # noqa: S608
    )


AMOUNT_CHANGED = " OR ".join(
    f"OLD.{column} IS NOT NEW.{column}" for column in ("proposal_id", "application_id", "year", "amount")
)

SQLITE = [
    _refusal("allocation_proposal_locked_update", "OLD.status = 'approved'", "allocation_proposal", "UPDATE"),
    _refusal("allocation_proposal_locked_delete", "OLD.status = 'approved'", "allocation_proposal", "DELETE"),
    "CREATE TRIGGER allocation_proposal_revision_back BEFORE UPDATE ON allocation_proposal FOR EACH ROW "
    "WHEN NEW.revision < OLD.revision "
    "BEGIN SELECT RAISE(ABORT, 'allocation_locked: a proposal''s revision cannot go back'); END;",
    _refusal(
        "allocation_proposalamount_locked_insert", APPROVED.format(row="NEW"), "allocation_proposalamount", "INSERT"
    ),
    _refusal(
        "allocation_proposalamount_locked_update",
        f"{APPROVED.format(row='OLD')} OR {APPROVED.format(row='NEW')}",
        "allocation_proposalamount",
        "UPDATE",
    ),
    _refusal(
        "allocation_proposalamount_locked_delete", APPROVED.format(row="OLD"), "allocation_proposalamount", "DELETE"
    ),
    "CREATE TRIGGER allocation_proposalamount_revision_insert AFTER INSERT ON allocation_proposalamount "
    f"FOR EACH ROW BEGIN {_bump('NEW')} END;",
    "CREATE TRIGGER allocation_proposalamount_revision_update AFTER UPDATE ON allocation_proposalamount "  # noqa: S608
    f"FOR EACH ROW WHEN {AMOUNT_CHANGED} BEGIN {_bump('OLD')} "
    "UPDATE allocation_proposal SET revision = revision + 1 "
    "WHERE id = NEW.proposal_id AND NEW.proposal_id <> OLD.proposal_id AND status = 'submitted'; END;",
    "CREATE TRIGGER allocation_proposalamount_revision_delete AFTER DELETE ON allocation_proposalamount "
    f"FOR EACH ROW BEGIN {_bump('OLD')} END;",
    _refusal(
        "allocation_proposalapproval_locked_update",
        f"{APPROVED.format(row='OLD')} OR {APPROVED.format(row='NEW')}",
        "allocation_proposalapproval",
        "UPDATE",
    ),
    _refusal(
        "allocation_proposalapproval_locked_delete",
        APPROVED.format(row="OLD"),
        "allocation_proposalapproval",
        "DELETE",
    ),
    _refusal(
        "allocation_selection_locked_update",
        f"{APPLICATION_LOCKED.format(application='OLD.application_id')} "
        f"OR {APPLICATION_LOCKED.format(application='NEW.application_id')}",
        "allocation_selection",
        "UPDATE",
    ),
    _refusal(
        "allocation_selection_locked_delete",
        APPLICATION_LOCKED.format(application="OLD.application_id"),
        "allocation_selection",
        "DELETE",
    ),
    _refusal(
        "allocation_selectiongrant_locked_insert",
        SELECTION_LOCKED.format(row="NEW"),
        "allocation_selectiongrant",
        "INSERT",
    ),
    _refusal(
        "allocation_selectiongrant_locked_update",
        f"{SELECTION_LOCKED.format(row='OLD')} OR {SELECTION_LOCKED.format(row='NEW')}",
        "allocation_selectiongrant",
        "UPDATE",
    ),
    _refusal(
        "allocation_selectiongrant_locked_delete",
        SELECTION_LOCKED.format(row="OLD"),
        "allocation_selectiongrant",
        "DELETE",
    ),
    _refusal(
        "allocation_budgetframe_locked_insert", CALL_LOCKED.format(row="NEW"), "applications_budgetframe", "INSERT"
    ),
    _refusal(
        "allocation_budgetframe_locked_update",
        f"({FRAME_CHANGED}) AND ({CALL_LOCKED.format(row='OLD')} OR {CALL_LOCKED.format(row='NEW')})",
        "applications_budgetframe",
        "UPDATE",
    ),
    _refusal(
        "allocation_budgetframe_locked_delete", CALL_LOCKED.format(row="OLD"), "applications_budgetframe", "DELETE"
    ),
]
SQLITE_TRIGGERS = [statement.split()[2] for statement in SQLITE]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};", params=None)


class Migration(migrations.Migration):
    dependencies = [("allocation", "0001_initial"), ("applications", "0002_applications")]
    operations = [migrations.RunPython(forwards, backwards)]
