"""The portal's roles. Each is a Django group; a person may hold several."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    SECRETARIAT = "secretariat", _("Secretariat reviewer")
    UFM = "ufm", _("UFM reviewer")
    SUBCOMMITTEE_MEMBER = "subcommittee_member", _("Sub-committee member")
    SUBCOMMITTEE_CHAIR = "subcommittee_chair", _("Sub-committee chair")
    ADMINISTRATOR = "administrator", _("Administrator")


STAFF_ROLES = frozenset(
    {
        Role.SECRETARIAT,
        Role.UFM,
        Role.SUBCOMMITTEE_MEMBER,
        Role.SUBCOMMITTEE_CHAIR,
        Role.ADMINISTRATOR,
    }
)


def roles_of(user) -> set[str]:
    """Return the set of role slugs the user holds (empty for anonymous users); cached per user object."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {role.value for role in Role if role.value in names}
        user._role_cache = cached
    return cached
