"""The grant letter (tilsagnsbrev): the board's letter to an organisation stating its grant per year and
funder, the funding sources and the conditions. One letter per grant version, generated through the
document archive (versioned, PDF/A); registered as the kind "grant-letter" from GovernanceConfig.ready().
The snapshot holds everything the letter prints, so an old letter keeps its figures."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Funder
from clusterfund.documents import register_document

from .models import GrantAcceptance, GrantVersion

KIND = "grant-letter"


def _when(moment) -> str:
    """Return the moment as the letter prints it (Europe/Copenhagen, in the letter's language)."""
    return date_format(timezone.localtime(moment), "j. F Y H:i")


def grant_letter_snapshot(version: GrantVersion, options: dict) -> dict:
    """Return what the grant letter prints about `version`, as JSON-safe data."""
    grant = version.grant
    call = grant.call
    rows = list(version.years.order_by("year", "funder", "source"))
    years = sorted({row.year for row in rows})
    table = []
    for year in years:
        lines = [row for row in rows if row.year == year]
        board = [row for row in lines if row.funder == Funder.BOARD]
        ufm = [row for row in lines if row.funder == Funder.UFM]
        table.append(
            {
                "year": year,
                "board": sum(row.amount for row in board),
                "ufm": sum(row.amount for row in ufm),
                "board_sources": [{"label": row.source_label, "amount": row.amount} for row in board],
                "conditional": any(row.is_conditional for row in lines),
            }
        )
    try:
        acceptance = version.acceptance
    except GrantAcceptance.DoesNotExist:
        acceptance = None
    return {
        "organisation": {"name": grant.organisation.name, "cvr": grant.organisation.cvr},
        "call": {"title": call.tr("title"), "period": f"{call.period_start}–{call.period_end}"},
        "case_number": grant.case_number,
        "version": version.number,
        "reason": version.reason,
        "created_at": _when(version.created_at),
        "conditions": version.conditions,
        "years": table,
        "board_total": sum(r["board"] for r in table),
        "ufm_total": sum(r["ufm"] for r in table),
        "conditional_years": [r["year"] for r in table if r["conditional"]],
        "accepted": (
            {"by": acceptance.accepted_by.get_full_name(), "at": _when(acceptance.accepted_at)} if acceptance else None
        ),
        "signature": str(options.get("signature") or _("The secretariat of the Danish Board of Business Development")),
    }


register_document(
    KIND,
    title=gettext_lazy("Grant letter"),
    subject_model=GrantVersion,
    snapshot=grant_letter_snapshot,
    template="pdf/grant_letter.html",
    can_generate="governance.generate_grant_letter",
    can_download="governance.download_grant_letter",
    subject_label=lambda version: (
        f"{version.grant.organisation.name}, {version.grant.call.tr('title')}, v{version.number}"
    ),
    subject_url=lambda version: version.get_absolute_url(),
    filename_stem="tilsagnsbrev",
    generate_label=gettext_lazy("Generate grant letter"),
)
