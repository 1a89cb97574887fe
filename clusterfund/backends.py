"""The portal's authentication backend: Django's ModelBackend, with the user's roles read in the same query.

Every signed-in request loads its user from the session (`get_user`), and nearly every page then asks the
user's roles (`roles_of`: the menu, the permission rules). ModelBackend answers the first with one query and
the roles cost a second; here the user comes with one EXISTS per role in its own query, put where
`roles_of` keeps them for the request. The roles are still read afresh on every request, so a role taken
away counts from the next request on, as before.

The portal's permissions are rules.py's, answered by rules' backend before this one. Django asks the next
backend whenever one says no, and ModelBackend then loads the user's model permissions (two queries) to
look for a name that is none of them; here a rules.py permission that is not also a model permission's name
is not looked up again. Model permissions (Django's admin) are asked as before.
"""

from functools import cache

import rules
from django.apps import apps
from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from .roles import Role


@cache
def model_permission_names() -> frozenset[str]:
    """Return every model permission's name ("app_label.codename"), as migrate creates them from the models."""
    names = set()
    for model in apps.get_models():
        opts = model._meta
        names |= {f"{opts.app_label}.{get_permission_codename(action, opts)}" for action in opts.default_permissions}
        names |= {f"{opts.app_label}.{codename}" for codename, _name in opts.permissions}
    return frozenset(names)


def _holds(role: Role) -> str:
    return f"holds_role_{role.value}"


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        membership = model.groups.through.objects.filter(user_id=OuterRef("pk"))
        holds = {_holds(role): Exists(membership.filter(group__name=role.value)) for role in Role}
        try:
            user = model._default_manager.annotate(**holds).get(pk=user_id)
        except model.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        user._role_cache = {role.value for role in Role if getattr(user, _holds(role))}
        return user

    def has_perm(self, user_obj, perm, obj=None):
        if rules.perm_exists(perm) and perm not in model_permission_names():
            return False  # a rules.py permission only: rules' backend has answered it already
        return super().has_perm(user_obj, perm, obj)
