"""`python manage.py export_allocation CALL_SLUG [--proposal N] --format csv|xlsx --out PATH`

Writes a proposal of the call (by default the approved allocation in force) as CSV or XLSX: organisation,
CVR, area, UFM grant per year, the board's amount per year, totals, and per year the frame, its funding
source and whether it is conditional. Texts are in Danish (the portal's default language).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from allocation.exports import proposal_csv, proposal_xlsx
from allocation.models import Proposal
from allocation.selectors import approved_proposal
from applications.models import Call
from clusterfund.services import audit_record


class Command(BaseCommand):
    help = "Export an allocation proposal of a call (default: the approved one) as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("call_slug", help="The call's slug, e.g. klyngeindsats-2021-2024.")
        parser.add_argument("--proposal", type=int, help="The proposal's version number (default: the approved one).")
        parser.add_argument("--format", choices=["csv", "xlsx"], required=True, dest="fmt")
        parser.add_argument("--out", required=True, help="The file to write ('-' for standard output, CSV only).")

    def handle(self, *args, call_slug, proposal, fmt, out, **options):
        try:
            call = Call.objects.get(slug=call_slug)
        except Call.DoesNotExist:
            raise CommandError(f"No call has the slug {call_slug!r}.") from None
        if proposal is None:
            chosen = approved_proposal(call=call)
            if chosen is None:
                raise CommandError(f"The call {call_slug!r} has no approved allocation; name one with --proposal N.")
        else:
            chosen = Proposal.objects.filter(call=call, number=proposal).first()
            if chosen is None:
                raise CommandError(f"The call {call_slug!r} has no proposal {proposal}.")
        with translation.override(settings.LANGUAGE_CODE):
            body = proposal_csv(chosen) if fmt == "csv" else proposal_xlsx(chosen)
        if out == "-":
            if fmt != "csv":
                raise CommandError("Only CSV can be written to standard output.")
            self.stdout.write(body.decode("utf-8-sig"), ending="")
        else:
            path = Path(out)
            if not path.parent.exists():
                raise CommandError(f"The folder {path.parent} does not exist.")
            path.write_bytes(body)
            self.stderr.write(f"Proposal {chosen.number} ({chosen.get_status_display()}) written to {path}.")
        audit_record(actor=None, action="proposal.export", obj=chosen, after={"format": fmt, "command": True})
