"""Django's `flush`, which also lifts the approved allocation's lock while it empties every table.

On SQLite, flush empties a table with DELETE, which the allocation's triggers would refuse for an approved
allocation (PostgreSQL's TRUNCATE fires no row trigger). Emptying the whole database is the one change the
lock lets through; the test suite's teardown of transactional tests runs it.
"""

from django.core.management.commands import flush

from allocation.database_lock import lock_lifted


class Command(flush.Command):
    help = flush.Command.help + " The lock of approved allocations is lifted while the tables are emptied."

    def handle(self, **options):
        with lock_lifted(options["database"]):
            return super().handle(**options)
