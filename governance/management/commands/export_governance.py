"""`python manage.py export_governance CALL_SLUG --format csv|xlsx --out PATH`

Writes the call's programme overview: one row per organisation and year (and one per organisation for the
whole period) with the grant and the budget used per funder, the action plan's status, the reports' status
and, for every indicator, the target and the actual (columns named after the indicators). Texts are in
Danish (the portal's default language). `--out -` writes CSV to standard output.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from applications.models import Call
from clusterfund.services import audit_record
from governance.exports import as_csv, as_xlsx, overview_table
from governance.models import Grant
from governance.selectors.overview import overview_for


class Command(BaseCommand):
    help = "Export a call's governance overview (organisation × year) as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("call_slug", help="The call's slug, e.g. klyngeindsats-2021-2024.")
        parser.add_argument("--format", choices=["csv", "xlsx"], required=True, dest="fmt")
        parser.add_argument("--out", required=True, help="The file to write ('-' for standard output, CSV only).")

    def handle(self, *args, call_slug, fmt, out, **options):
        try:
            call = Call.objects.get(slug=call_slug)
        except Call.DoesNotExist:
            raise CommandError(f"No call has the slug {call_slug!r}.") from None
        if out == "-" and fmt != "csv":
            raise CommandError("Only CSV can be written to standard output.")
        with translation.override(settings.LANGUAGE_CODE):
            overview = overview_for(call=call, user=None, grants=Grant.objects.filter(call=call))
            header, rows = overview_table(overview)
            body = as_csv(header, rows) if fmt == "csv" else as_xlsx(header, rows, title=call.slug)
        if out == "-":
            self.stdout.write(body.decode("utf-8-sig"), ending="")
        else:
            path = Path(out)
            if not path.parent.exists():
                raise CommandError(f"The folder {path.parent} does not exist.")
            path.write_bytes(body)
            self.stderr.write(f"{len(rows)} rows written to {path}.")
        audit_record(actor=None, action="governance.export", obj=call, after={"format": fmt, "command": True})
