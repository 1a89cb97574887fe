"""Writes for the administrator's users and roles pages: new users (invited by e-mail to choose a password),
who holds which role, and who may log in."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import EMAIL_TAKEN, User, email_key
from .outbox import outbox_enqueue
from .roles import Role, roles_of
from .services import audit_record
from .tasks import send_email_task


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


# --- a new user, invited to choose a password -------------------------------------------------------

INVITATION_LANGUAGES = ("da", "en")


def user_invitation_send(*, user: User, base_url: str, language: str = "da") -> None:
    """Queue (through the outbox, sent after the commit) an e-mail in `language` with a link where `user`
    chooses a password; the link is Django's password reset link, valid for PASSWORD_RESET_TIMEOUT and
    used up once a password is set or the user logs in."""
    if language not in INVITATION_LANGUAGES:
        language = settings.LANGUAGE_CODE
    token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    context = {
        "person": user,
        "link": base_url + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "login": base_url + reverse("login"),
    }
    with translation.override(language):
        subject = " ".join(render_to_string("clusterfund/staff/email/invitation_subject.txt", context).split())
        body = render_to_string("clusterfund/staff/email/invitation.txt", context)
    outbox_enqueue(send_email_task, subject=subject, body=body, to=[user.email])


@transaction.atomic
def user_create(*, full_name: str, email: str, roles: Iterable[str], by, base_url: str, language: str = "da") -> User:
    """Create an active user with no usable password, the given roles, and e-mail them (in `language`) a
    link to choose their password; return the user.

    Raises ValidationError({"email": ...}) when another account has the address in any case (also when two
    administrators create it at the same moment: the Lower(email) constraint decides).
    """
    if not by.has_perm("clusterfund.manage_users"):
        raise PermissionDenied
    wanted = sorted(set(roles))
    unknown = set(wanted) - set(Role.values)
    if unknown:
        raise ValidationError(_("Unknown role: %(roles)s.") % {"roles": ", ".join(sorted(unknown))})
    user = User(email=email_key(email), full_name=full_name.strip())
    user.set_unusable_password()
    user.full_clean(exclude=["password"])  # refuses a taken address, in any case, on the e-mail field
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise ValidationError({"email": ValidationError(EMAIL_TAKEN, code="email_taken")}) from error
    if wanted:
        user.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in wanted))
    user._role_cache = None
    audit_record(
        actor=by,
        action="user.create",
        obj=user,
        after={"email": user.email, "full_name": user.full_name, "roles": wanted, "language": language},
    )
    user_invitation_send(user=user, base_url=base_url, language=language)
    return user


def user_is_invited(user: User) -> bool:
    """Return True for a user who has not yet chosen a password (created on these pages, invited)."""
    return not user.has_usable_password() and user.last_login is None


@transaction.atomic
def user_invitation_resend(*, user: User, by, base_url: str, language: str = "da") -> None:
    """Send a user who has not chosen a password yet a new invitation (the old link keeps working until one
    is used: Django's tokens are not stored); audited as `user.invitation_resend`."""
    if not by.has_perm("clusterfund.manage_users"):
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user_is_invited(user):
        raise ValidationError(_("This user has already chosen a password; they can reset it themselves."))
    if not user.is_active:
        raise ValidationError(_("This user is inactive. Activate them before you send an invitation."))
    audit_record(actor=by, action="user.invitation_resend", obj=user, after={"language": language})
    user_invitation_send(user=user, base_url=base_url, language=language)
