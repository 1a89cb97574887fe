"""`python manage.py export_review_matrix CALL_SLUG --format csv|xlsx --out PATH`: the call's review
matrix, one row per application, with every application included (no viewer, no conflict filter)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from applications.models import Call
from clusterfund.services import audit_record
from review.exports import matrix_csv, matrix_xlsx
from review.selectors.matrix import review_matrix


class Command(BaseCommand):
    help = "Export a call's review matrix (consensus scores, weighted totals, ranks) as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("call_slug", help="the call's slug, e.g. klyngeindsats-2021-2024")
        parser.add_argument("--format", dest="fmt", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--out", required=True, help="the file to write ('-' for standard output, CSV only)")
        parser.add_argument("--language", default=None, help="language of the column titles (default: the site's)")

    def handle(self, *args, call_slug, fmt, out, language, **options):
        try:
            call = Call.objects.get(slug=call_slug)
        except Call.DoesNotExist as missing:
            raise CommandError(f"No call with the slug {call_slug!r}.") from missing
        if out == "-" and fmt != "csv":
            raise CommandError("Only CSV can be written to standard output.")
        with translation.override(language or translation.get_language()):
            matrix = review_matrix(call=call, viewer=None)
            body = matrix_csv(matrix) if fmt == "csv" else matrix_xlsx(matrix)
        if out == "-":
            self.stdout.write(body.decode("utf-8-sig"), ending="")
        else:
            Path(out).write_bytes(body)
        audit_record(
            actor=None, action="review.matrix_export", obj=call, after={"format": fmt, "rows": len(matrix.rows)}
        )
        if out != "-":
            self.stderr.write(f"Wrote {len(matrix.rows)} applications to {out}.")
