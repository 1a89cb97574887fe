"""The reviewers, their assignments and queues, and the application a review is about."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from applications.models import Application, Call
from clusterfund.roles import Role

from ..models import Assignment, Side
from .matrix import MATRIX_STATUSES


def reviewers() -> QuerySet:
    """Return the active users who can be assigned: secretariat and UFM reviewers."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.SECRETARIAT, Role.UFM])
        .distinct()
        .prefetch_related("groups")
        .order_by("full_name", "email")
    )


def review_queue(*, user) -> QuerySet[Assignment]:
    """Return the user's assignments with their application, call and area, by call and area.

    The application's submitted content (the whole application as JSON, decoded per row) is not needed here.
    """
    return (
        Assignment.objects.filter(reviewer=user)
        .select_related("application__organisation", "application__call", "application__business_area")
        .defer("application__submitted_content")
        .order_by(
            "-application__call__opens_at", "application__business_area__order", "application__organisation__name"
        )
    )


@dataclass
class AssignmentRow:
    application: Application
    assignments: list[Assignment]
    needs: list[str] = field(default_factory=list)  # sides that need a (new) reviewer


def assignment_overview(*, call: Call) -> list[AssignmentRow]:
    """Return every application in the call's review with its assignments and which side still needs a
    reviewer ("needs reassigning" when the only reviewer of a side declared a conflict)."""
    applications = (
        Application.objects.filter(call=call, status__in=MATRIX_STATUSES)
        .select_related("organisation", "business_area")
        .order_by("business_area__order", "business_area__name", "organisation__name")
    )
    by_application = defaultdict(list)
    for assignment in Assignment.objects.filter(application__call=call).select_related("reviewer"):
        by_application[assignment.application_id].append(assignment)
    rows = []
    for application in applications:
        assignments = by_application[application.pk]
        row = AssignmentRow(application, assignments)
        for side in Side:
            on_side = [a for a in assignments if a.side == side]
            if not any(not a.is_conflicted for a in on_side):
                row.needs.append(side)
        rows.append(row)
    return rows


def application_for_review(*, pk: int) -> Application:
    """Return an application with its call and organisation; raise Application.DoesNotExist."""
    return Application.objects.select_related("call", "organisation", "business_area").get(pk=pk)
