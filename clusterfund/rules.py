"""Role predicates shared by every app (django-rules). App-specific permissions live in each app's rules.py."""

import rules

from .roles import STAFF_ROLES, Role, roles_of


def _has_role(role: Role):
    @rules.predicate(name=f"is_{role.value}")
    def predicate(user) -> bool:
        return role.value in roles_of(user)

    return predicate


is_applicant = _has_role(Role.APPLICANT)
is_secretariat = _has_role(Role.SECRETARIAT)
is_ufm = _has_role(Role.UFM)
is_subcommittee_member = _has_role(Role.SUBCOMMITTEE_MEMBER)
is_subcommittee_chair = _has_role(Role.SUBCOMMITTEE_CHAIR)
is_administrator = _has_role(Role.ADMINISTRATOR)
is_reviewer = is_secretariat | is_ufm
is_subcommittee = is_subcommittee_member | is_subcommittee_chair


@rules.predicate
def is_portal_staff(user) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)


@rules.predicate
def is_admin_site_staff(user) -> bool:
    """Admitted to Django's own admin (the technical administration): what `AdminSite.has_permission` asks."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


rules.add_perm("clusterfund.use_admin_site", is_admin_site_staff)

# the portal's own staff pages: the administration area (administrator and secretariat), users and roles
# (administrator only) and the audit log (read-only, for those who configure and manage the calls); a
# superuser passes user.has_perm anyway, and is named here so that the menu's rules_perms agrees with it
can_use_administration = rules.predicate(
    is_administrator | is_secretariat | rules.is_superuser, name="can_use_administration"
)
can_manage_users = rules.predicate(is_administrator, name="can_manage_users")
can_browse_audit_log = rules.predicate(is_administrator | is_secretariat, name="can_browse_audit_log")
rules.add_perm("clusterfund.use_administration", can_use_administration)
rules.add_perm("clusterfund.manage_users", can_manage_users)
rules.add_perm("clusterfund.browse_audit_log", can_browse_audit_log)
