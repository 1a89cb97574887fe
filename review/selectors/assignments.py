"""The reviewers, their assignments and queues, and the application a review is about."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet

from applications.models import Application, Call, Translated
from clusterfund.roles import Role

from ..models import Assignment, AssignmentState, Side
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


@dataclass
class QueueEntry(AssignmentState, Translated):
    """One of the reviewer's assignments as the queue shows it (read as plain values, no models: the page
    shows a few columns of four tables, and building four models per row cost more than the page's SQL)."""

    pk: int
    application_id: int
    status: str
    conflict: str
    organisation: str
    area_id: int | None
    area_name: str | None  # `entry|tr:"area_name"` shows the business area in the active language
    area_name_en: str | None
    links: dict[str, str] = field(default_factory=dict)  # the review pages' URLs by name, for the view to fill

    @property
    def status_label(self) -> str:
        return str(Assignment.Status(self.status).label)


@dataclass
class QueueCall(Translated):
    """A call in the reviewer's queue with the reviewer's assignments in it (`call|tr:"title"`)."""

    pk: int
    slug: str
    title: str
    title_en: str
    entries: list[QueueEntry] = field(default_factory=list)


# the reviewer's id in the queue's SQL compiled once (no user has it), replaced by the requesting user's
ANY_REVIEWER = -20_261_203


@cache  # per database vendor: Django compiles a query anew each time, which cost 1.1 ms of the page's CPU
def _queue_sql(vendor: str) -> tuple[str, tuple]:
    rows = (
        Assignment.objects.filter(reviewer_id=ANY_REVIEWER)
        .order_by(
            "-application__call__opens_at", "application__business_area__order", "application__organisation__name"
        )
        .values_list(
            "application__call_id",
            "application__call__slug",
            "application__call__title",
            "application__call__title_en",
            "pk",
            "application_id",
            "status",
            "conflict",
            "application__organisation__name",
            "application__business_area_id",
            "application__business_area__name",
            "application__business_area__name_en",
        )
    )
    sql, params = rows.query.sql_with_params()
    assert params.count(ANY_REVIEWER) == 1, params
    return sql, params


def review_queue(*, user) -> list[QueueCall]:
    """Return the user's assignments grouped by call (the newest call first), by business area and
    organisation within a call, in one query (its SQL compiled once: plain ids and texts, no conversions)."""
    sql, params = _queue_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if param == ANY_REVIEWER else param for param in params])
        rows = cursor.fetchall()
    calls: dict[int, QueueCall] = {}
    for call_id, slug, title, title_en, *entry in rows:  # the rest in QueueEntry's field order
        call = calls.get(call_id)
        if call is None:
            call = calls[call_id] = QueueCall(call_id, slug, title, title_en)
        call.entries.append(QueueEntry(*entry))
    return list(calls.values())


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
