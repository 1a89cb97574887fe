"""Accounts, organisations, invitations and the secretariat's messages: writes, signed links and the reads
the organisation pages share.

Signed links use Django's signing (HMAC with SECRET_KEY, a salt per purpose, a time stamp), so no token is
stored: a confirmation link is valid for three days and works once (a confirmed account is active and has
logged in); an invitation link is valid for fourteen days and works once (the invitation is marked accepted).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterfund.models import AuditEvent, email_key
from clusterfund.outbox import outbox_enqueue
from clusterfund.roles import Role
from clusterfund.services import audit_record
from clusterfund.tasks import send_email_task

from .models import Application, Call, Invitation, Message, Organisation
from .selectors import calls_for_front_page
from .services import organisation_create

User = get_user_model()

CONFIRM_SALT = "applications.account.confirm"
CONFIRM_MAX_AGE = timedelta(days=3)
RESEND_INTERVAL = timedelta(minutes=1)
INVITATION_SALT = "applications.account.invitation"
INVITATION_MAX_AGE = timedelta(days=14)


class LinkInvalid(Exception):
    """A signed link was tampered with, is not ours, or points at something that no longer exists."""


class LinkExpired(Exception):
    """A signed link is genuine but too old. `payload` holds what it carried (to offer a new link)."""

    def __init__(self, payload: dict):
        self.payload = payload
        super().__init__("link expired")


def _loads(token: str, *, salt: str, max_age: timedelta) -> dict:
    """Return the payload of a signed token; raise LinkExpired or LinkInvalid."""
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as expired:
        # The signature is genuine, only old: its payload can be trusted to prefill a request for a new link.
        raise LinkExpired(signing.loads(token, salt=salt)) from expired
    except signing.BadSignature as bad:
        raise LinkInvalid from bad
    if not isinstance(payload, dict):
        raise LinkInvalid
    return payload


def _send(*, to: list[str], template: str, context: dict) -> None:
    """Render a plain-text e-mail now (in the active language) and send it after the transaction commits."""
    subject = " ".join(render_to_string(f"applications/account/email/{template}_subject.txt", context).split())
    body = render_to_string(f"applications/account/email/{template}.txt", context)
    outbox_enqueue(send_email_task, subject=subject, body=body, to=to)


def _grant_applicant_role(user) -> None:
    """Put the user in the applicant group (people who act for an organisation see the applicant panel)."""
    group, _created = Group.objects.get_or_create(name=Role.APPLICANT.value)
    user.groups.add(group)
    if hasattr(user, "_role_cache"):
        del user._role_cache


# --- registration and confirmation --------------------------------------------------------------


def user_is_unconfirmed(user) -> bool:
    """Return True for an account that registered but never confirmed its e-mail address.

    An administrator's deactivation of an account that has logged in is never undone by a confirmation link.
    """
    return not user.is_active and user.last_login is None


def confirmation_token(*, user, next_url: str = "") -> str:
    """Return the signed token of a confirmation link (bound to the user's current e-mail address)."""
    return signing.dumps({"u": user.pk, "e": user.email, "n": next_url}, salt=CONFIRM_SALT, compress=True)


def confirmation_check(*, token: str) -> tuple:
    """Return (user, next_url) for a genuine, fresh confirmation token; raise LinkExpired or LinkInvalid."""
    payload = _loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    user = User.objects.filter(pk=payload.get("u"), email=payload.get("e")).first()
    if user is None:
        raise LinkInvalid
    return user, str(payload.get("n") or "")


def confirmation_send(*, user, base_url: str, next_url: str = "") -> None:
    """E-mail the user a link that confirms their address (sent when the transaction commits)."""
    token = confirmation_token(user=user, next_url=next_url)
    _send(
        to=[user.email],
        template="confirm",
        context={
            "user": user,
            "link": base_url + reverse("applications:confirm", args=[token]),
            "days": CONFIRM_MAX_AGE.days,
        },
    )


@transaction.atomic
def user_register(*, full_name: str, email: str, password: str, base_url: str, next_url: str = ""):
    """Create an inactive applicant account and e-mail it a confirmation link; return the user.

    Raises ValidationError({"email": ...}) when the address is taken (compared case-insensitively).
    The password is expected to have passed the password validators (the form runs them).
    """
    email = email_key(email)
    taken = ValidationError(
        {"email": _("An account with this e-mail address already exists. Log in, or reset your password.")}
    )
    if User.objects.filter(email__iexact=email).exists():
        raise taken
    user = User(email=email, full_name=full_name.strip(), is_active=False)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():  # two tabs registering the same address: the second one loses cleanly
            user.save()
    except IntegrityError as error:
        raise taken from error
    _grant_applicant_role(user)
    audit_record(actor=user, action="account.register", obj=user, after={"email": email})
    confirmation_send(user=user, base_url=base_url, next_url=next_url)
    return user


@transaction.atomic
def user_confirm(*, user):
    """Activate an unconfirmed account and return it; raise ValidationError if it cannot be confirmed."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not user_is_unconfirmed(locked):
        raise ValidationError(_("This account cannot be confirmed with this link."))
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    audit_record(
        actor=locked, action="account.confirm", obj=locked, before={"is_active": False}, after={"is_active": True}
    )
    return locked


@transaction.atomic
def confirmation_resend(*, email: str, base_url: str, next_url: str = "") -> bool:
    """Send a new confirmation link if `email` belongs to an unconfirmed account; return whether one was sent.

    The caller answers the same either way, so the form does not tell strangers which addresses have accounts.
    """
    user = User.objects.filter(email__iexact=email_key(email)).first()
    if user is None or not user_is_unconfirmed(user):
        return False
    recently = AuditEvent.objects.filter(
        action__in=["account.register", "account.confirmation_resend"],
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        at__gte=timezone.now() - RESEND_INTERVAL,
    )
    if recently.exists():
        return False  # a link went out a moment ago: the form must not become a way to flood an inbox
    audit_record(actor=user, action="account.confirmation_resend", obj=user)
    confirmation_send(user=user, base_url=base_url, next_url=next_url)
    return True


# --- organisations ------------------------------------------------------------------------------


def duplicate_cvr_message(cvr: str) -> str:
    return _("An organisation with CVR number %(cvr)s is already registered. Ask one of its members to invite you.") % {
        "cvr": cvr
    }


def organisation_register(*, by, **fields) -> Organisation:
    """Create an organisation with `by` as its first member (and an applicant); return it.

    A CVR number that is already registered raises ValidationError({"cvr": ...}) that says what to do,
    also when two people register the same number at the same moment.
    """
    cvr = fields.get("cvr", "")
    try:
        organisation = organisation_create(by=by, **fields)
    except IntegrityError as error:
        raise ValidationError({"cvr": duplicate_cvr_message(cvr)}) from error
    except ValidationError as error:
        if any(e.code == "unique" for e in getattr(error, "error_dict", {}).get("cvr", [])):
            raise ValidationError({"cvr": duplicate_cvr_message(cvr)}) from error
        raise
    _grant_applicant_role(by)
    return organisation


# --- invitations --------------------------------------------------------------------------------


def invitation_token(*, invitation: Invitation) -> str:
    """Return the signed token of an invitation link."""
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITATION_SALT)


def invitation_expires_at(invitation: Invitation):
    return invitation.created_at + INVITATION_MAX_AGE


def invitation_check(*, token: str) -> Invitation:
    """Return the (possibly already accepted) invitation a fresh, genuine token names.

    Raises LinkExpired (its payload names the invitation) or LinkInvalid (also when the invitation was
    replaced by a newer one to the same address).
    """
    payload = _loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by", "accepted_by")
        .filter(pk=payload.get("i"), email=payload.get("e"))
        .first()
    )
    if invitation is None:
        raise LinkInvalid
    return invitation


@transaction.atomic
def invitation_create(*, organisation: Organisation, email: str, by, base_url: str) -> Invitation:
    """Invite a colleague by e-mail to act for the organisation and return the invitation.

    An earlier, unanswered invitation to the same address is replaced (its link stops working).
    Raises ValidationError({"email": ...}) when the address already belongs to a member.
    """
    email = email_key(email)
    if organisation.members.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _("%(email)s is already a member of %(organisation)s.")
                % {"email": email, "organisation": organisation}
            }
        )
    replaced, _details = organisation.invitations.filter(email__iexact=email, accepted_at__isnull=True).delete()
    invitation = Invitation(organisation=organisation, email=email, invited_by=by)
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=by,
        action="organisation.invite",
        obj=organisation,
        after={"email": email, "invitation": invitation.pk, "replaced": replaced},
    )
    token = invitation_token(invitation=invitation)
    _send(
        to=[email],
        template="invitation",
        context={
            "invitation": invitation,
            "organisation": organisation,
            "inviter": by,
            "link": base_url + reverse("applications:invitation", args=[token]),
            "expires_at": invitation_expires_at(invitation),
        },
    )
    return invitation


def email_matches(user, invitation: Invitation) -> bool:
    """Return True when the invitation was sent to the user's address (compared case-insensitively)."""
    return email_key(user.email) == email_key(invitation.email)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by, now=None) -> bool:
    """Make `by` a member of the invitation's organisation; return False if they already were one.

    Only the person the invitation was sent to may accept it (their account's e-mail address must match),
    and only once, within INVITATION_MAX_AGE. Raises PermissionDenied or ValidationError otherwise.
    """
    now = now or timezone.now()
    locked = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if not email_matches(by, locked):
        raise PermissionDenied
    if locked.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if now > invitation_expires_at(locked):
        raise ValidationError(_("This invitation has expired."))
    organisation = locked.organisation
    already_member = organisation.members.filter(pk=by.pk).exists()
    if not already_member:
        organisation.members.add(by)
    locked.accepted_at = now
    locked.accepted_by = by
    locked.save(update_fields=["accepted_at", "accepted_by"])
    _grant_applicant_role(by)
    audit_record(
        actor=by,
        action="organisation.invitation_accept",
        obj=organisation,
        after={"email": locked.email, "invitation": locked.pk, "already_member": already_member},
    )
    return not already_member


# --- messages from the secretariat --------------------------------------------------------------


@transaction.atomic
def message_send(*, organisation: Organisation, subject: str, body: str, by, base_url: str) -> Message:
    """Post a message on the organisation's dashboard, e-mail its members a notice, and return the message."""
    message = Message(organisation=organisation, subject=subject.strip(), body=body.strip(), sent_by=by)
    message.full_clean()
    message.save()
    audit_record(
        actor=by,
        action="organisation.message_send",
        obj=organisation,
        after={"message": message.pk, "subject": subject},
    )
    recipients = list(organisation.members.filter(is_active=True).values_list("email", flat=True))
    if recipients:
        _send(
            to=recipients,
            template="message",
            context={
                "organisation": organisation,
                "message": message,
                "link": base_url + reverse("applications:organisation", args=[organisation.pk]),
            },
        )
    return message


# --- reads shared by the organisation pages and the applicant's start page ----------------------


def organisations_with_activity(user) -> QuerySet[Organisation]:
    """Return the user's organisations with their applications (and calls) and messages prefetched."""
    return Organisation.objects.filter(members=user).prefetch_related(
        Prefetch("applications", queryset=Application.objects.select_related("call").order_by("-created_at")),
        Prefetch("messages", queryset=Message.objects.order_by("-sent_at", "-pk")),
    )


def pending_invitations(organisation: Organisation, *, now=None) -> list[Invitation]:
    """Return the organisation's unanswered invitations, newest first, each with `expires_at` and `expired`."""
    now = now or timezone.now()
    invitations = list(
        organisation.invitations.filter(accepted_at__isnull=True).select_related("invited_by").order_by("-created_at")
    )
    for invitation in invitations:
        invitation.expires_at = invitation_expires_at(invitation)
        invitation.expired = now > invitation.expires_at
    return invitations


def invitations_for_email(email: str, *, now=None) -> list[tuple[Invitation, str]]:
    """Return the fresh, unanswered invitations to `email` with the token of each one's link."""
    now = now or timezone.now()
    invitations = Invitation.objects.filter(
        email__iexact=email_key(email), accepted_at__isnull=True, created_at__gte=now - INVITATION_MAX_AGE
    ).select_related("organisation")
    return [(invitation, invitation_token(invitation=invitation)) for invitation in invitations]


@dataclass
class Dashboard:
    organisation: Organisation
    members: list
    invitations: list[Invitation]
    applications: list[Application]
    calls_to_start: list[Call]
    messages: list[Message]


def organisation_dashboard(organisation: Organisation, *, now=None) -> Dashboard:
    """Return what the organisation's dashboard shows, in a fixed number of queries."""
    applications = list(
        organisation.applications.select_related("call", "business_area").order_by("-created_at", "-pk")
    )
    live_calls = {a.call_id for a in applications if a.status != Application.Status.WITHDRAWN}
    open_calls = calls_for_front_page(now=now)["open"]
    return Dashboard(
        organisation=organisation,
        members=list(organisation.members.order_by("full_name", "email")),
        invitations=pending_invitations(organisation, now=now),
        applications=applications,
        calls_to_start=[call for call in open_calls if call.pk not in live_calls],
        messages=list(organisation.messages.select_related("application__call").order_by("-sent_at", "-pk")),
    )
