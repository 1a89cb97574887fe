"""The demo: submitted applications, reviews and agreed joint assessments in the demo call."""

import csv
import io
import time
from decimal import Decimal

from django.core.management import call_command

from applications.models import Application
from applications.selectors import application_content, application_missing_items
from applications.services import application_digest
from review.models import Assignment, JointAssessment, Score
from review.selectors.matrix import review_matrix


def test_the_demo_call_has_fourteen_submitted_applications_with_every_section(demo):
    applications = Application.objects.filter(call=demo)
    assert applications.count() == 14
    for application in applications:
        assert application.submitted_at < demo.deadline
        assert application.content_sha256 == application_digest(application_content(application=application))
        assert application_missing_items(application=application) == []


def test_the_demo_reviews_agree_on_twelve_and_two_are_ineligible(demo):
    joints = JointAssessment.objects.filter(application__call=demo)
    assert joints.count() == 12 and all(j.is_agreed for j in joints)
    assert joints.filter(eligible=False).count() == 2
    assert Assignment.objects.filter(application__call=demo, status="submitted").count() == 12 * 2 + 1
    assert Assignment.objects.filter(application__call=demo, conflict="").count() == 3  # left for the demo users


def test_the_demo_matrix_matches_hand_checked_totals(demo):
    rows = {row.application.organisation.name: row for row in review_matrix(call=demo).rows}
    # Energiklynge Vestkyst: (30·4 + 30·5 + 20·4 + 20·4) / 100 = 4.30; points (30·75 + 30·100 + 20·75 + 20·75) / 100
    energy = rows["Energiklynge Vestkyst"]
    assert (energy.consensus.mean_2, energy.consensus.points_2, energy.rank) == (Decimal("4.30"), Decimal("82.50"), 1)
    assert rows["Power-to-X Netværket Danmark"].rank == 2  # (30·3 + 30·3 + 20·4 + 20·3) / 100 = 3.20
    # ineligible: left out of the ranking although its total (4.30) is the area's highest
    health = rows["Sundhedsteknologisk Innovationsklynge"]
    assert health.eligible is False and health.rank is None and health.consensus.mean_2 == Decimal("4.30")
    assert rows["Velfærdsteknologi Syd"].rank == 1


def test_the_demo_export_shows_real_figures(demo, tmp_path):
    call_command("export_review_matrix", demo.slug, "--out", str(tmp_path / "m.csv"), "--language", "en")
    rows = list(csv.reader(io.StringIO((tmp_path / "m.csv").read_text("utf-8-sig"))))
    by_name = {row[0]: row for row in rows[1:]}
    assert len(by_name) == 14
    assert by_name["Digital Danmark Klyngen"][-4:] == ["4.60", "90.00", "1", "Recommend"]
    assert by_name["Data og AI Fællesskabet"][3] == "No"


def test_seeding_again_changes_nothing(demo):
    before = (
        Application.objects.count(),
        Score.objects.count(),
        JointAssessment.objects.get(application__organisation__name="Digital Danmark Klyngen").version,
    )
    started = time.monotonic()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert time.monotonic() - started < 30
    after = (
        Application.objects.count(),
        Score.objects.count(),
        JointAssessment.objects.get(application__organisation__name="Digital Danmark Klyngen").version,
    )
    assert before == after
