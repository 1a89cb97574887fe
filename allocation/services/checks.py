"""The checks every allocation write starts with: the user's permission, and an amount in whole kroner."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from applications.forms_fields import MAX_AMOUNT
from clusterfund.money import format_kroner


def require(by, permission: str, obj=None) -> None:
    """Raise PermissionDenied unless `by` has `permission` (on `obj`)."""
    if not by.has_perm(permission, obj):
        raise PermissionDenied


def check_amount(value, *, label: str) -> int:
    """Return `value` as whole kroner, or raise ValidationError saying what is wrong with it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("%(label)s must be a whole number of kroner."), code="invalid", params={"label": label})
    if value < 0:
        raise ValidationError(_("%(label)s cannot be negative."), code="negative", params={"label": label})
    if value > MAX_AMOUNT:
        raise ValidationError(
            _("%(label)s is unrealistically large (more than %(max)s)."),
            code="too_large",
            params={"label": label, "max": format_kroner(MAX_AMOUNT)},
        )
    return value
