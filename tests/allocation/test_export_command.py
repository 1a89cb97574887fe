"""`manage.py export_allocation`: the approved allocation (or a named version) as CSV or XLSX."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from tests.factories.allocation import approved_proposal, make_proposal, selected_call


@pytest.fixture
def call(db):
    return selected_call(organisations=2)


def test_exports_the_approved_allocation_as_csv(call, tmp_path):
    approved_proposal(call)
    out = tmp_path / "fordeling.csv"
    call_command("export_allocation", call.slug, "--format", "csv", "--out", str(out), stderr=io.StringIO())
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 1 + 2 + 4  # header, two organisations, total, frame, source, conditional
    totals = rows[3]
    assert totals[8:] == ["80000000"] * 4 + ["320000000"]
    # UFM grants 10m and 20m a year: a third and two thirds of 80m, rounded to 1.000 kr.
    assert sorted(row[8] for row in rows[1:3]) == ["26667000", "53333000"]
    assert rows[5][8] and rows[6][8]  # the funding source and the conditional flag of 2021


def test_exports_a_named_version_as_xlsx(call, tmp_path):
    from openpyxl import load_workbook

    make_proposal(call, method="equal")
    out = tmp_path / "forslag.xlsx"
    call_command(
        "export_allocation", call.slug, "--proposal", "1", "--format", "xlsx", "--out", str(out), stderr=io.StringIO()
    )
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[2]][8:12] == [40_000_000] * 4


def test_csv_to_standard_output(call):
    approved_proposal(call)
    stdout = io.StringIO()
    call_command("export_allocation", call.slug, "--format", "csv", "--out", "-", stdout=stdout)
    from applications.models import Application

    lines = stdout.getvalue().splitlines()
    assert len(lines) == 1 + 2 + 4 and len(lines[0].split(",")) == 13
    assert any(line.split(",")[1] == Application.objects.first().organisation.cvr for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "No call has the slug"),
        ([], "has no approved allocation"),
        (["--proposal", "9"], "has no proposal 9"),
    ],
)
def test_clear_errors(call, tmp_path, args, message):
    slug = args.pop(0) if args and args[0] == "nope" else call.slug
    with pytest.raises(CommandError, match=message):
        call_command("export_allocation", slug, *args, "--format", "csv", "--out", str(tmp_path / "x.csv"))
