"""The portal's authentication backend: Django's ModelBackend, with the user's roles read in the same query.

Every signed-in request loads its user from the session (`get_user`), and nearly every page then asks the
user's roles (`roles_of`: the menu, the permission rules). ModelBackend answers the first with one query and
the roles cost a second; here the user comes with the names of their groups in one query, put where
`roles_of` keeps them for the request. That query is written in SQL once per database vendor (PostgreSQL,
SQLite): the ORM's compiling of a user query with a subquery costs more CPU than the round trip it saves
(benchmarks: ModelBackend + roles 0.97 ms, ORM with EXISTS per role 3.1 ms, this 0.26 ms). The roles are
still read afresh on every request, so a role taken away counts from the next request on, as before.

The portal's permissions are rules.py's, answered by rules' backend before this one. Django asks the next
backend whenever one says no, and ModelBackend then loads the user's model permissions (two queries) to
look for a name that is none of them; here a rules.py permission that is not also a model permission's name
is not looked up again. Model permissions (Django's admin) are asked as before.
"""

import json
from functools import cache

import rules
from django.apps import apps
from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connections, router

from .roles import Role

# the names of the user's groups, as a list (PostgreSQL) or a JSON array (SQLite)
_GROUP_NAMES = {"postgresql": "ARRAY(SELECT g.name {rest})", "sqlite": "(SELECT json_group_array(g.name) {rest})"}


@cache
def model_permission_names() -> frozenset[str]:
    """Return every model permission's name ("app_label.codename"), as migrate creates them from the models."""
    names = set()
    for model in apps.get_models():
        opts = model._meta
        names |= {f"{opts.app_label}.{get_permission_codename(action, opts)}" for action in opts.default_permissions}
        names |= {f"{opts.app_label}.{codename}" for codename, _name in opts.permissions}
    return frozenset(names)


@cache
def _user_with_groups_sql(vendor: str) -> str | None:
    """Return the SELECT of a user (by id) and their groups' names as `group_names`; None for another vendor."""
    if vendor not in _GROUP_NAMES:
        return None
    user = get_user_model()
    membership = user.groups.through._meta.db_table
    rest = f'FROM "{Group._meta.db_table}" g JOIN "{membership}" m ON m.group_id = g.id WHERE m.user_id = u.id'
    names = _GROUP_NAMES[vendor].format(rest=rest)
    # the names are the models' tables, the id a parameter: nothing here comes from a request
    return f'SELECT u.*, {names} AS group_names FROM "{user._meta.db_table}" u WHERE u.id = %s'  # noqa: S608


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        sql = _user_with_groups_sql(connections[router.db_for_read(model)].vendor)
        if sql is None:
            return super().get_user(user_id)
        found = list(model._default_manager.raw(sql, [user_id]))
        if not found or not self.user_can_authenticate(found[0]):
            return None
        user = found[0]
        names = user.group_names
        names = set(json.loads(names) if isinstance(names, str) else names or ())
        user._role_cache = {role.value for role in Role if role.value in names}
        return user

    def has_perm(self, user_obj, perm, obj=None):
        if rules.perm_exists(perm) and perm not in model_permission_names():
            return False  # a rules.py permission only: rules' backend has answered it already
        return super().has_perm(user_obj, perm, obj)
