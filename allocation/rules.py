"""Who may do what with selections, budget frames and allocation proposals (django-rules).

Call-level permissions take the call; proposal permissions take the proposal; the applicant's approved
amounts take the application. Views answer 404 where a permission is missing on an object.
"""

import rules

from applications.rules import is_application_member
from clusterfund.rules import (
    is_portal_staff,
    is_secretariat,
    is_subcommittee,
    is_subcommittee_chair,
    is_ufm,
)

from .models import Proposal


@rules.predicate
def is_draft(user, proposal) -> bool:
    return proposal is not None and proposal.status == Proposal.Status.DRAFT


@rules.predicate
def is_submitted(user, proposal) -> bool:
    return proposal is not None and proposal.status == Proposal.Status.SUBMITTED


@rules.predicate
def is_locked(user, proposal) -> bool:
    return proposal is not None and proposal.status == Proposal.Status.APPROVED


@rules.predicate
def has_approved_allocation(user, application) -> bool:
    """The application's organisation has amounts in an approved allocation of its call."""
    from .selectors import approved_amounts

    return application is not None and bool(approved_amounts(application=application))


# the minister's selections (recorded by UFM)
rules.add_perm("allocation.view_selections", is_portal_staff)
rules.add_perm("allocation.record_selection", is_ufm)

# budget frames: the secretariat edits them until an allocation is approved (the service refuses after)
rules.add_perm("allocation.view_frames", is_portal_staff)
rules.add_perm("allocation.edit_frames", is_secretariat)

# proposals: the secretariat prepares them, the sub-committee approves, only the chair locks
rules.add_perm("allocation.view_proposals", is_secretariat | is_ufm | is_subcommittee)
rules.add_perm("allocation.create_proposal", is_secretariat)
rules.add_perm("allocation.edit_proposal", is_secretariat & ~is_locked)
rules.add_perm("allocation.submit_proposal", is_secretariat & is_draft)
rules.add_perm("allocation.copy_proposal", is_secretariat)
rules.add_perm("allocation.review_proposal", is_subcommittee & is_submitted)
rules.add_perm("allocation.lock_proposal", is_subcommittee_chair & is_submitted)
rules.add_perm("allocation.export_proposal", is_secretariat | is_ufm | is_subcommittee)

# the allocation memo (allocation/documents.py): the secretariat writes it, the sub-committee reads it
rules.add_perm("allocation.generate_memo", is_secretariat)
rules.add_perm("allocation.download_allocation_memo", is_secretariat | is_subcommittee)

# the applicant's own approved amounts (staff see every organisation's on the proposal pages)
rules.add_perm("allocation.view_approved_amounts", is_application_member & has_approved_allocation)
