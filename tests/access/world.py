"""The shared world the role × URL table's rows point at, built once per table.

Organisation A (whose member is the identity `applicant`) has
- `submitted`: an application under review in the reviewed call `call`, selected by UFM, assigned to the
  reviewers secretariat and ufm (no conflict declared, reviews not submitted) and to `conflicted` (conflict
  declared), with approved amounts (`approved`) and an attachment (`review_attachment`);
- `draft`: a complete draft in the open call `open_call` (with `attachment`, `activity`, `partner`);
- `just_submitted`: a complete application submitted in another open call (with `submitted_attachment`).
Organisation B (member `other_applicant`) has `submitted_b`, the other selected application of `call`,
whose reviews by secretariat and ufm are submitted (so the joint assessment opens to them).
`call` has three allocation proposals: `proposal` (draft), `submitted_proposal` and `approved` (approved by
the member and the chair). Documents, each a finished version 1: `dossier` of `submitted`,
`recommendation_memo` of `call`, `allocation_memo` of `proposal`. `invitation_token`: an open invitation from
organisation A to an address no identity has.
The grant period: `grant` to `submitted`, with a draft action plan `plan` (its `plan_activity`) and a
`submitted_plan`; from its reporting calendar a draft `report` (with `report_attachment`), a
`submitted_report` and an `unreported_due`; A's `gold_label`, and a held status `meeting` with an
`action_item`.
"""

import datetime as dt
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from allocation.services.approval import proposal_submit
from applications.models import Application, Attachment, Invitation
from applications.services import application_submit
from applications.services_account import invitation_token
from clusterfund.models import GeneratedDocument
from governance.models import GoldLabel, Report
from governance.services.dialogue import action_item_add, meeting_create, meeting_minutes_save
from governance.services.plans import plan_submit
from governance.services.reports import report_attachment_add
from review.models import Assignment, Side
from tests.factories.allocation import approved_proposal, make_proposal, selected_call
from tests.factories.applications import MINIMAL_PDF, complete_application, open_call_with_parts, pdf_upload
from tests.factories.clusterfund import UserFactory
from tests.factories.governance import grant_for, ready_plan
from tests.factories.governance_reports import report_for
from tests.factories.review import AssignmentFactory, score_all

ROLES = {
    "applicant": ["applicant"],
    "other_applicant": ["applicant"],
    "secretariat": ["secretariat"],
    "ufm": ["ufm"],
    "member": ["subcommittee_member"],
    "chair": ["subcommittee_chair"],
    "administrator": ["administrator"],
    "conflicted": ["secretariat"],
}


def finished_document(kind: str, subject, by) -> GeneratedDocument:
    """Return a finished version 1 of `kind` about `subject` (a tiny PDF: the table asks who may fetch it)."""
    document = GeneratedDocument(
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        version=1,
        status=GeneratedDocument.Status.DONE,
        title=kind,
        requested_by=by,
        sha256="0" * 64,
        size=len(MINIMAL_PDF),
        page_count=1,
    )
    document.file.save(f"{kind}-{subject.pk}.pdf", ContentFile(MINIMAL_PDF), save=False)
    document.save()
    return document


def evidence(application, by) -> Attachment:
    """Return a statutes PDF attached to `application` (written past the service, which takes drafts only)."""
    attachment = Attachment(
        application=application,
        kind=Attachment.Kind.STATUTES,
        original_name="vedtaegter.pdf",
        size=len(MINIMAL_PDF),
        sha256="0" * 64,
        uploaded_by=by,
    )
    attachment.file.save("vedtaegter.pdf", ContentFile(MINIMAL_PDF), save=False)
    attachment.save()
    return attachment


def build_world() -> SimpleNamespace:
    """Create the world's rows and return them as attributes (users by identity in `users`)."""
    users = {
        identity: UserFactory(roles=roles, email=f"{identity}@access.example") for identity, roles in ROLES.items()
    }
    users["administrator"].is_staff = True
    users["administrator"].save()

    call = selected_call(organisations=2)
    submitted, submitted_b = Application.objects.filter(call=call).order_by("pk")
    submitted.organisation.members.add(users["applicant"])
    submitted_b.organisation.members.add(users["other_applicant"])
    AssignmentFactory(application=submitted, reviewer=users["secretariat"], side=Side.SECRETARIAT)
    AssignmentFactory(application=submitted, reviewer=users["ufm"], side=Side.UFM)
    AssignmentFactory(
        application=submitted,
        reviewer=users["conflicted"],
        side=Side.SECRETARIAT,
        conflict=Assignment.Conflict.DECLARED,
        conflict_note="Bestyrelsesmedlem i klyngen.",
    )
    for reviewer, side in ((users["secretariat"], Side.SECRETARIAT), (users["ufm"], Side.UFM)):
        assignment = AssignmentFactory(application=submitted_b, reviewer=reviewer, side=side)
        score_all(assignment, [4, 3, 4, 3], submit=True)
    proposal = make_proposal(call, by=users["secretariat"], title="Kladde")
    submitted_proposal = proposal_submit(
        proposal=make_proposal(call, by=users["secretariat"], title="Indsendt"), by=users["secretariat"]
    )
    approved = approved_proposal(call, chair=users["chair"], title="Godkendt")

    open_call = open_call_with_parts()
    draft = complete_application(call=open_call, member=users["applicant"])
    draft.organisation = submitted.organisation
    draft.save()
    partner = draft.partners.first()
    later_call = open_call_with_parts()
    just_submitted = complete_application(call=later_call, member=users["applicant"])
    just_submitted.organisation = submitted.organisation
    just_submitted.save()
    just_submitted = application_submit(application=just_submitted, by=users["applicant"])

    # the grant period: A's grant with a draft plan for its first year and a submitted one for the second
    grant = grant_for(submitted, by=users["secretariat"])
    plan = ready_plan(grant)
    submitted_plan = plan_submit(plan=ready_plan(grant, year=grant.first_year + 1), by=users["applicant"]).plan
    # its reporting calendar (made with the grant): a draft report for the first date, a submitted one for the
    # second, the third not started
    first_due, second_due, third_due = grant.report_dues.order_by("due_on")[:3]
    report = report_for(first_due)
    submitted_report = report_for(second_due, status=Report.Status.SUBMITTED)
    report_attachment = report_attachment_add(
        report=report, uploaded=pdf_upload("revisorerklaering.pdf"), kind="auditor_statement", by=users["applicant"]
    )

    # the watch and the status dialogue: A's gold label, a held meeting with an action item
    gold_label = GoldLabel.objects.create(
        organisation=submitted.organisation,
        level="gold",
        audited_on=dt.date(2021, 11, 1),
        valid_until=dt.date(2023, 10, 31),
        registered_by=users["applicant"],
        file=pdf_upload("guld.pdf"),
        original_name="guld.pdf",
        size=len(MINIMAL_PDF),
    )
    meeting = meeting_create(
        call=call,
        title="Forår",
        meets_on=dt.date(2022, 3, 1),
        organisations=[submitted.organisation],
        by=users["secretariat"],
    )
    action_item = action_item_add(
        meeting=meeting,
        organisation=submitted.organisation,
        title="Send listen",
        owner="Direktør",
        due_on=dt.date(2022, 4, 1),
        by=users["secretariat"],
    )
    meeting = meeting_minutes_save(
        meeting=meeting, minutes="Referat.", publish=True, revision=meeting.revision, by=users["secretariat"]
    )

    invitation = Invitation.objects.create(
        organisation=submitted.organisation, email="ny-kollega@access.example", invited_by=users["applicant"]
    )
    return SimpleNamespace(
        users=users,
        call=call,
        submitted=submitted,
        submitted_b=submitted_b,
        organisation=submitted.organisation,
        organisation_b=submitted_b.organisation,
        criterion=call.criteria.first(),
        proposal=proposal,
        submitted_proposal=submitted_proposal,
        approved=approved,
        open_call=open_call,
        draft=draft,
        attachment=draft.attachments.first(),
        just_submitted=just_submitted,
        submitted_attachment=just_submitted.attachments.first(),
        review_attachment=evidence(submitted, users["applicant"]),
        activity=draft.activities.first(),
        partner=partner,
        invitation_token=invitation_token(invitation=invitation),
        dossier=finished_document("dossier", submitted, users["secretariat"]),
        recommendation_memo=finished_document("recommendation-memo", call, users["secretariat"]),
        allocation_memo=finished_document("allocation-memo", proposal, users["secretariat"]),
        grant=grant,
        plan=plan,
        plan_activity=plan.activities.first(),
        submitted_plan=submitted_plan,
        report=report,
        submitted_report=submitted_report,
        report_attachment=report_attachment,
        unreported_due=third_due,
        gold_label=gold_label,
        meeting=meeting,
        action_item=action_item,
    )
