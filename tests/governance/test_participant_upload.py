"""Participant register upload: bad rows (bad CVR, unknown activity, duplicate) are refused row by row with
their row numbers and nothing is half-imported; CSV and XLSX; size and row caps; by hand."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError

from clusterfund.models import AuditEvent
from governance.models import Participant, ReportDue
from governance.services import participants as service
from governance.services.participants import participant_add, participant_remove, participants_import
from governance.services.reports import report_start
from tests.factories.governance import plan_with_activity
from tests.factories.governance_reports import fictional_cvr

pytestmark = pytest.mark.django_db

HEADER = ["CVR", "Navn", "Type", "Størrelse", "Kontaktperson", "E-mail", "Aktiviteter"]


@pytest.fixture
def report(grant, member):
    plan_with_activity(grant, year=2021)
    due = ReportDue.objects.get(grant=grant, kind="periodic", period_start=dt.date(2021, 1, 1))
    return report_start(due=due, by=member)


def csv_bytes(rows) -> bytes:
    return ("\n".join(";".join(row) for row in [HEADER, *rows]) + "\n").encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_rows(n=3):
    return [[fictional_cvr(i), f"Firma {i} ApS", "virksomhed", "lille", "Eva", "eva@example.dk", "1"] for i in range(n)]


def bad_rows():
    rows = good_rows(2)
    return [
        rows[0],
        ["12345678", "Forkert CVR A/S", "virksomhed", "stor", "", "", "1"],  # row 3: bad check digit
        [rows[1][0], "Ukendt aktivitet ApS", "virksomhed", "mikro", "", "", "7"],  # row 4: unknown activity
        rows[1],  # row 5: same CVR as row 4
    ]


@pytest.mark.parametrize(("name", "build"), [("deltagere.csv", csv_bytes), ("deltagere.xlsx", xlsx_bytes)])
def test_bad_rows_are_refused_by_row_number_and_nothing_is_imported(report, member, name, build):
    participants_import(report=report, name=name, content=build(good_rows(1)), by=member)
    before = list(report.participants.values_list("cvr", flat=True))
    result = participants_import(report=report, name=name, content=build(bad_rows()), by=member)
    assert not result.ok
    by_row = {error.row: " ".join(error.messages) for error in result.errors}
    assert set(by_row) == {3, 4, 5}
    assert "12345678" in by_row[3] and "check digit does not match" in by_row[3]
    assert "Unknown activity “7”" in by_row[4]
    assert "appears twice" in by_row[5] and "row 4" in by_row[5]
    assert list(report.participants.values_list("cvr", flat=True)) == before  # the old register stands
    assert AuditEvent.objects.filter(action="participants.import_refused").exists()


@pytest.mark.parametrize(("name", "build"), [("deltagere.csv", csv_bytes), ("deltagere.xlsx", xlsx_bytes)])
def test_a_good_file_replaces_the_register(report, member, name, build):
    result = participants_import(report=report, name=name, content=build(good_rows(3)), by=member)
    assert result.ok and result.imported == 3
    activity = report.activity_statuses.get().activity
    assert report.participants.count() == 3
    assert all(list(p.activities.all()) == [activity] for p in report.participants.all())
    assert AuditEvent.objects.get(action="participants.import").after["participants"] == 3


def test_files_over_the_caps_or_of_another_kind_are_refused(report, member, monkeypatch):
    result = participants_import(report=report, name="x.pdf", content=b"%PDF-1.4", by=member)
    assert "CSV or XLSX" in result.file_error
    monkeypatch.setattr(service, "MAX_ROWS", 2)
    result = participants_import(report=report, name="x.csv", content=csv_bytes(good_rows(3)), by=member)
    assert "more than 2 rows" in result.file_error
    monkeypatch.setattr(service, "MAX_UPLOAD_BYTES", 10)
    result = participants_import(report=report, name="x.csv", content=csv_bytes(good_rows(1)), by=member)
    assert "2 MB" in result.file_error
    assert report.participants.count() == 0


def test_missing_columns_and_garbage_are_refused_without_a_server_error(report, member):
    assert "missing" in participants_import(report=report, name="x.csv", content=b"a;b\n1;2\n", by=member).file_error
    assert participants_import(report=report, name="x.xlsx", content=b"PK\x03\x04garbage", by=member).file_error
    assert participants_import(report=report, name="x.csv", content=b"\xff\xfe\x00\x00", by=member).file_error


def test_by_hand_refuses_a_duplicate_and_a_bad_cvr(report, member):
    data = {
        "cvr": fictional_cvr(1),
        "name": "Firma ApS",
        "kind": "virksomhed",
        "size_class": "mellem",
        "activities": ["1"],
    }
    participant = participant_add(report=report, data=data, by=member)
    assert participant.size_class == Participant.SizeClass.MEDIUM and participant.activities.count() == 1
    with pytest.raises(ValidationError, match="already in the register"):
        participant_add(report=report, data=data, by=member)
    with pytest.raises(ValidationError, match="CVR"):
        participant_add(report=report, data={**data, "cvr": "1234"}, by=member)
    participant_remove(report=report, participant_id=participant.pk, by=member)
    assert report.participants.count() == 0
