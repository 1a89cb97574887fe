"""The row locks the allocation's writes take, and the refusal of a locked (approved) proposal.

Locks, always taken in this order so no two services wait for each other in a circle:

1. the call's budget frame rows (`lock_frames`), ordered by pk;
2. the proposal row (`lock_proposal`);
3. the selection rows (ordered by pk).

Recording a selection locks the application and then its selection; it never takes a frame or proposal lock.
A sum across rows (a year's amounts within its frame) is checked only after the frame rows are locked: every
write that can change either side of that comparison (amounts, frames, approval) takes the same locks, so
the check and the write it guards cannot interleave with another transaction's.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from applications.models import BudgetFrame, Call, Funder

from ..models import Proposal


def lock_frames(call: Call) -> dict[int, BudgetFrame]:
    """Lock every budget frame row of the call (in pk order) and return the board's frames by year.

    This is the lock that serialises everything that compares a year's sum with its frame: editing amounts,
    editing frames, member approval and the chair's approval. Without it, the chair's approval could read
    the sums while a colleague's uncommitted edit (or a lowered frame) is about to land, and lock a proposal
    that is over its frame once both commit.
    """
    frames = list(BudgetFrame.objects.select_for_update().filter(call=call).order_by("pk"))
    return {f.year: f for f in frames if f.funder == Funder.BOARD}


def lock_proposal(proposal: Proposal) -> Proposal:
    """Lock the proposal's row and return it as stored."""
    return Proposal.objects.select_for_update(of=("self",)).select_related("call").get(pk=proposal.pk)


def refuse_locked(proposal: Proposal) -> None:
    """Raise ValidationError if the proposal is approved (and so locked for good)."""
    if proposal.is_locked:
        raise ValidationError(
            _("Proposal %(number)s is approved and locked. Make a new version to change anything."),
            code="locked",
            params={"number": proposal.number},
        )
