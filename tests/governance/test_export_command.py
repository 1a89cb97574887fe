"""`export_governance CALL_SLUG --format csv|xlsx --out PATH`: one row per organisation and year, the grant
per funder, plan and report status, and target and actual per indicator (columns named after them)."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from clusterfund.models import AuditEvent
from governance.models import IndicatorTarget, Report, ReportDue
from tests.factories.governance import IndicatorFactory, ready_plan, simple_grant
from tests.factories.governance_reports import add_participant, fictional_cvr, report_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(grant):
    companies = IndicatorFactory(
        call=grant.call, code="deltagere", name="Deltagere", aggregation="register", counts="all"
    )
    IndicatorTarget.objects.create(grant=grant, indicator=companies, year=2021, value=40)
    ready_plan(grant, year=2021)
    due = ReportDue.objects.get(grant=grant, kind="periodic", period_start__year=2021)
    report = report_for(due, status=Report.Status.ACCEPTED)
    for i in range(3):
        add_participant(report, fictional_cvr(i))
    simple_grant(call=grant.call)
    return grant.call


def test_csv_to_stdout_in_danish(call, capsys):
    call_command("export_governance", call.slug, "--format", "csv", "--out", "-")
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    header = rows[0]
    assert header[:4] == ["Organisation", "CVR-nummer", "År", "Bestyrelsens tilsagn (kr.)"]
    assert "Deltagere – mål" in header and "Deltagere – faktisk" in header
    assert len(rows) == 1 + 2 * 5  # two organisations × (four years + the whole period)
    row = next(r for r in rows[1:] if r[2] == "2021" and r[header.index("Deltagere – faktisk")] == "3")
    assert row[header.index("Deltagere – mål")] == "40"
    assert row[header.index("Bestyrelsens tilsagn (kr.)")] == "20000000"
    assert AuditEvent.objects.filter(action="governance.export").exists()


def test_xlsx_to_a_file(call, tmp_path):
    out = tmp_path / "styring.xlsx"
    call_command("export_governance", call.slug, "--format", "xlsx", "--out", str(out))
    sheet = load_workbook(out).active
    assert sheet.max_row == 11
    assert sheet.cell(row=2, column=4).value == 20_000_000


def test_unknown_call_and_bad_targets_are_refused(call, tmp_path):
    with pytest.raises(CommandError, match="No call"):
        call_command("export_governance", "findes-ikke", "--format", "csv", "--out", "-")
    with pytest.raises(CommandError, match="Only CSV"):
        call_command("export_governance", call.slug, "--format", "xlsx", "--out", "-")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_governance", call.slug, "--format", "csv", "--out", str(tmp_path / "no" / "x.csv"))
