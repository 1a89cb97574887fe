"""Django's PostgreSQL backend, its connection health check made without a round trip when nothing is wrong.

With CONN_HEALTH_CHECKS, Django asks `is_usable()` before a request reuses a kept connection, and the
PostgreSQL backend answers with a `SELECT 1`: one round trip to the server on every request. When the
server goes away (a restart, a shutdown, a backend terminated by an administrator) it tells the client
and closes the connection, so the connection's socket has something to read while it is idle; a healthy
idle connection has nothing. Here an idle connection whose socket has nothing to read is usable; in every
other case (something to read, a transaction open, the connection broken) the `SELECT 1` decides, as in
Django. A server that vanishes without closing anything is not found by either check before the request's
first query; that query then fails and Django replaces the connection after the request.
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status == TransactionStatus.IDLE:
            readable, _writable, _failed = select.select([connection.fileno()], [], [], 0)
            if not readable:
                return True
        return super().is_usable()
