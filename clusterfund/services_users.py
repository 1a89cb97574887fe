"""Writes for the administrator's users and roles page: who holds which role, and who may log in."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import User
from .roles import Role, roles_of
from .services import audit_record


@transaction.atomic
def user_access_set(*, user: User, roles: Iterable[str], is_active: bool, by) -> dict[str, list[str]]:
    """Give `user` exactly `roles` (role slugs) and the active flag; return what changed
    (`added`, `removed` role slugs and `active` as a one-item list when it changed).

    Refuses what would lock the administrators out: an administrator cannot take away their own
    administrator role or deactivate themselves. A superuser's access is changed only by a superuser.
    """
    if not by.has_perm("clusterfund.manage_users"):
        raise PermissionDenied
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValidationError(_("Unknown role: %(roles)s.") % {"roles": ", ".join(sorted(unknown))})
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_superuser and not by.is_superuser:
        raise ValidationError(_("A superuser's access can only be changed by a superuser."))
    if user.pk == by.pk and Role.ADMINISTRATOR not in wanted:
        raise ValidationError(_("You cannot take away your own administrator role."))
    if user.pk == by.pk and not is_active:
        raise ValidationError(_("You cannot deactivate yourself."))
    user._role_cache = None
    held = roles_of(user)
    added, removed = sorted(wanted - held), sorted(held - wanted)
    changes: dict[str, list[str]] = {"added": added, "removed": removed, "active": []}
    before = {"roles": sorted(held), "is_active": user.is_active}
    if added:
        user.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in added))
    if removed:
        user.groups.remove(*Group.objects.filter(name__in=removed))
    if user.is_active != is_active:
        user.is_active = is_active
        user.full_clean()
        user.save(update_fields=["is_active"])
        changes["active"] = [str(is_active)]
    user._role_cache = None
    if added or removed or changes["active"]:
        audit_record(
            actor=by,
            action="user.access",
            obj=user,
            before=before,
            after={"roles": sorted(wanted), "is_active": user.is_active},
        )
    return changes
