"""What the reports half registers at start-up (listed in `apps.READY_MODULES`): the calendar follows the
grant's current version, and the start-page panels for reports.

The grant services set `Grant.current_version` when a grant is created and when a source decision makes a
new version; the receiver below regenerates the reporting calendar in the same transaction, so the grants
half needs no call into the reports half.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Grant


@receiver(post_save, sender=Grant, dispatch_uid="governance.calendar_follows_version")
def calendar_follows_version(sender, instance: Grant, update_fields=None, raw=False, **kwargs) -> None:
    """Regenerate the grant's reporting calendar when its current version is set or changes."""
    if raw or instance.current_version_id is None:
        return
    if update_fields is not None and "current_version" not in update_fields:
        return
    from .services.calendar import calendar_sync

    with transaction.atomic():
        calendar_sync(grant=instance)


def _member_reports(user) -> dict:
    """The organisation's next report dates and its reports that need something from it."""
    from django.utils import timezone

    from .models import Report, ReportDue
    from .selectors.reports import report_of

    if not user.is_authenticated:
        return {}
    now = timezone.now()
    dues = list(
        ReportDue.objects.filter(grant__organisation__members=user)
        .exclude(report__status__in=[Report.Status.SUBMITTED, Report.Status.ACCEPTED, Report.Status.LOCKED])
        .select_related("grant__organisation", "report")
        .order_by("due_on")[:5]
    )
    rows = []
    for due in dues:
        report = report_of(due)
        rows.append({"due": due, "report": report, "late": due.is_late(now, report=report)})
    return {"report_dues": rows}


def _reviewer_reports(user) -> dict:
    from applications.models import Call
    from review.models import Assignment

    calls = list(
        Call.objects.filter(
            pk__in=Assignment.objects.filter(reviewer=user).values("application__call_id"), grants__isnull=False
        )
        .distinct()
        .order_by("-opens_at")
    )
    return {"report_calls": calls}


def _register_panels() -> None:
    from clusterfund.dashboard import register_panel
    from clusterfund.roles import Role

    register_panel(
        roles={Role.APPLICANT}, template="governance/panels/member_reports.html", context=_member_reports, order=13
    )
    register_panel(
        roles={Role.SECRETARIAT, Role.UFM},
        template="governance/panels/reviewer_reports.html",
        context=_reviewer_reports,
        order=36,
    )


_register_panels()
