"""The demo's 2021 reports: most accepted, one late, one waiting; a register of a few hundred rows with
valid fictional CVR numbers; idempotent; and the export command's rows."""

import pytest
from django.core.management import call_command

from applications.validators import cvr_is_valid
from governance.models import Participant, Report

pytestmark = pytest.mark.django_db


def test_demo_reports_and_register(demo):
    reports = list(Report.objects.filter(due__grant__call=demo).select_related("due"))
    statuses = sorted(r.status for r in reports)
    assert len(reports) == 9
    assert statuses.count("accepted") == 8 and statuses.count("submitted") == 1
    assert sum(r.due.is_late(report=r) for r in reports) == 1
    cvrs = list(Participant.objects.filter(report__due__grant__call=demo).values_list("cvr", flat=True))
    assert 200 <= len(cvrs) <= 600
    assert all(cvr_is_valid(cvr) for cvr in cvrs)
    assert len(set(cvrs)) < len(cvrs)  # shared companies: the programme counts them once
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Report.objects.filter(due__grant__call=demo).count() == 9
    assert Participant.objects.filter(report__due__grant__call=demo).count() == len(cvrs)
