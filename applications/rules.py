"""Who may do what with organisations and applications (django-rules)."""

import rules

from clusterfund.rules import is_administrator, is_portal_staff, is_reviewer, is_secretariat

from .models import Application


def has_member(organisation, user) -> bool:
    """Whether `user` acts for `organisation`; uses the members a selector prefetched (a page asks several times)."""
    prefetched = getattr(organisation, "_prefetched_objects_cache", {}).get("members")
    if prefetched is not None:
        return any(member.pk == user.pk for member in prefetched)
    return organisation.members.filter(pk=user.pk).exists()


@rules.predicate
def is_organisation_member(user, organisation) -> bool:
    return organisation is not None and has_member(organisation, user)


@rules.predicate
def is_application_member(user, application) -> bool:
    return application is not None and has_member(application.organisation, user)


@rules.predicate
def is_draft(user, application) -> bool:
    return application is not None and application.status == Application.Status.DRAFT


@rules.predicate
def is_submitted(user, application) -> bool:
    return application is not None and application.status == Application.Status.SUBMITTED


@rules.predicate
def is_past_draft(user, application) -> bool:
    """Submitted or later (staff never see drafts or withdrawn applications' working copies)."""
    return application is not None and application.status not in (
        Application.Status.DRAFT,
        Application.Status.WITHDRAWN,
    )


@rules.predicate
def has_declared_conflict(user, application) -> bool:
    """True when the user declared a conflict of interest on the application (review's assignments).

    Queried through the reverse relation by name, so applications does not import review.
    """
    return (
        application is not None
        and Application.objects.filter(
            pk=application.pk, assignments__reviewer=user, assignments__conflict="declared"
        ).exists()
    )


rules.add_perm("applications.create_organisation", rules.is_authenticated)
rules.add_perm("applications.view_organisation", is_organisation_member | is_administrator)
rules.add_perm("applications.change_organisation", is_organisation_member)
rules.add_perm("applications.invite_member", is_organisation_member)
rules.add_perm("applications.create_application", is_organisation_member)

rules.add_perm(
    "applications.view_application", is_application_member | (is_portal_staff & is_past_draft & ~has_declared_conflict)
)
rules.add_perm("applications.edit_application", is_application_member & is_draft)
rules.add_perm("applications.submit_application", is_application_member & is_draft)
rules.add_perm("applications.withdraw_application", is_application_member & is_submitted)
rules.add_perm(
    "applications.view_attachment", is_application_member | (is_reviewer & is_past_draft & ~has_declared_conflict)
)
rules.add_perm(
    "applications.view_receipt", is_application_member | (is_portal_staff & is_past_draft & ~has_declared_conflict)
)
rules.add_perm("applications.send_message", is_secretariat)

# configuring calls (the call, its requirements, criteria, activity types, areas and timeline): the
# administrator configures calls, the secretariat manages them (DESIGN.md's roles)
can_configure_call = rules.predicate(is_administrator | is_secretariat, name="can_configure_call")
rules.add_perm("applications.configure_call", can_configure_call)
