"""On PostgreSQL the database itself refuses to change or delete an audit event.

(SQLite relies on the model and queryset guards; its test flushes use DELETE, which a trigger
would block.) TRUNCATE, used to reset test databases, is not a row operation and is unaffected.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION clusterfund_auditevent_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clusterfund_auditevent_append_only
    BEFORE UPDATE OR DELETE ON clusterfund_auditevent
    FOR EACH ROW EXECUTE FUNCTION clusterfund_auditevent_refuse();
"""
DROP = """
DROP TRIGGER IF EXISTS clusterfund_auditevent_append_only ON clusterfund_auditevent;
DROP FUNCTION IF EXISTS clusterfund_auditevent_refuse();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("clusterfund", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
