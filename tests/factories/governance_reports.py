"""Builders for the reports half's tests: fictional valid CVR numbers, reports in a given state."""

from applications.validators import cvr_with_check_digit
from governance.models import ActorKind, Participant, Report, ReportDue, ReportIndicatorActual


def fictional_cvr(n: int) -> str:
    """Return the n-th fictional CVR number that passes modulus 11 (starting 9…, so never a real series)."""
    seed = 9_000_000 + n * 7
    while True:
        cvr = cvr_with_check_digit(str(seed))
        if cvr is not None:
            return cvr
        seed += 1


def report_for(due: ReportDue, *, status: str = Report.Status.DRAFT, by=None) -> Report:
    """Return a report for `due` directly in the database in `status` (submitted times set when needed)."""
    from django.utils import timezone

    submitted = None if status == Report.Status.DRAFT else timezone.now()
    return Report.objects.create(
        due=due,
        status=status,
        summary="Året gik godt.",
        first_submitted_at=submitted,
        submitted_at=submitted,
        review_note="Ret tallene." if status == Report.Status.CHANGES_REQUESTED else "",
        locked_at=submitted if status == Report.Status.LOCKED else None,
    )


def add_participant(report: Report, cvr: str, *, kind=ActorKind.COMPANY, size="small", name=None) -> Participant:
    return Participant.objects.create(report=report, cvr=cvr, name=name or f"Firma {cvr}", kind=kind, size_class=size)


def add_actual(report: Report, indicator, value: int) -> ReportIndicatorActual:
    return ReportIndicatorActual.objects.create(report=report, indicator=indicator, value=value)
