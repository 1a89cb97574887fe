"""The demo call ends with the minister's selections and an approved allocation of 80.000.000 kr. a year."""

from django.core.management import call_command

from allocation.models import Proposal, ProposalApproval, Selection, SelectionGrant
from allocation.selectors import approved_proposal, joint_results
from applications.models import Application, BudgetFrame, Funder, Message
from clusterfund.models import AuditEvent


def test_one_selection_per_area_with_an_eligible_application_the_highest_score(demo):
    results = joint_results(call=demo)
    selected = Selection.objects.filter(call=demo, decision="selected").select_related("application")
    areas_with_eligible = {
        a.business_area_id for a in Application.objects.filter(pk__in=list(results)) if results[a.pk].eligible is True
    }
    assert {s.business_area_id for s in selected} == areas_with_eligible
    assert selected.count() == len(areas_with_eligible) == 9
    for selection in selected:
        rivals = [
            results[a.pk].mean
            for a in Application.objects.filter(call=demo, business_area=selection.business_area)
            if a.pk in results and results[a.pk].eligible is True
        ]
        assert results[selection.application_id].mean == max(rivals)
        assert selection.application.status == "selected"
        assert SelectionGrant.objects.filter(selection=selection).count() == 4
    assert Selection.objects.filter(call=demo, decision="not_selected").count() == 3


def test_the_approved_allocation_sums_to_80_million_each_year(demo):
    proposal = approved_proposal(call=demo)
    assert proposal is not None and proposal.is_locked
    assert (proposal.method, proposal.unit) == ("ufm_grant", 1_000)
    assert proposal.approved_by.email == "formand@klyngeportalen.example"
    for frame in BudgetFrame.objects.filter(call=demo, funder=Funder.BOARD):
        amounts = list(proposal.amounts.filter(year=frame.year).values_list("amount", flat=True))
        assert sum(amounts) == frame.amount == 80_000_000
        assert all(a % 1_000 == 0 and a > 0 for a in amounts)
    members = set(
        ProposalApproval.objects.filter(proposal=proposal, as_chair=False).values_list("member__email", flat=True)
    )
    assert members == {"underudvalg@klyngeportalen.example", "underudvalg2@klyngeportalen.example"}


def test_the_demo_applicant_is_told(demo):
    # the demo applicant's organisation did not apply; the selected organisations have messages on their pages
    assert Message.objects.filter(application__call=demo).count() == 12 + 9  # 12 decisions, 9 allocations


def test_seeding_again_changes_nothing(demo):
    before = (
        Selection.objects.count(),
        SelectionGrant.objects.count(),
        Proposal.objects.count(),
        Message.objects.count(),
        AuditEvent.objects.filter(action__startswith="proposal.").count(),
    )
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = (
        Selection.objects.count(),
        SelectionGrant.objects.count(),
        Proposal.objects.count(),
        Message.objects.count(),
        AuditEvent.objects.filter(action__startswith="proposal.").count(),
    )
    assert before == after


def test_the_export_command_shows_the_demo_allocation(demo, tmp_path):
    out = tmp_path / "fordeling.csv"
    call_command("export_allocation", demo.slug, "--format", "csv", "--out", str(out), stderr=open("/dev/null", "w"))  # noqa: SIM115
    lines = out.read_text("utf-8-sig").splitlines()
    assert len(lines) == 1 + 9 + 4
