"""Demo data for the review: submitted applications in the 2020 demo call, reviewed by the demo
secretariat and UFM reviewers, with agreed joint assessments, so the matrix and the export show real
figures on a fresh `make run`. Idempotent: a second run changes nothing.

Fourteen of the sixteen demo organisations apply (not the demo applicant's own organisation, which is
left free to explore, and not the tourism cluster). Twelve applications are fully reviewed and agreed
(two of them do not meet the requirements); one has only the secretariat's review, so the UFM demo
reviewer sees the hidden-until-submitted rule; one is assigned but not started.
"""

import datetime as dt
import hashlib

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from applications.demo import AREAS, CALL_SLUG, CPH, EMERGING_AREA, ORGANISATIONS, demo_cvr
from applications.models import (
    Activity,
    ActivityActor,
    ActorType,
    Application,
    Attachment,
    BoardMember,
    BudgetLine,
    BusinessArea,
    Call,
    CriterionAnswer,
    Location,
    Organisation,
    Partner,
    Region,
    RequirementAnswer,
)
from applications.requirements import BOARD_COMPOSITION, GOLD_LABEL
from applications.selectors import application_content
from applications.services import application_digest

from .models import Assignment, JointAssessment
from .selectors.checks import requirement_suggestions
from .services import (
    CheckInput,
    ScoreInput,
    assignment_create,
    conflict_declare,
    joint_confirm,
    joint_save,
    review_save,
    review_submit,
)

SECRETARIAT = "sekretariat@klyngeportalen.example"
UFM = "ufm@klyngeportalen.example"
ADMIN = "admin@klyngeportalen.example"

# organisation index -> (secretariat's scores, UFM's scores, consensus, recommendation) on the 1–5 scale,
# in the criteria's order (Organisering, Aktiviteter, Placering, Partnerkreds). None: not reviewed (yet).
REVIEWS: dict[int, tuple] = {
    1: ((4, 4, 3, 4), (4, 3, 3, 4), (4, 4, 3, 4), "recommend"),
    2: ((4, 5, 4, 3), (5, 4, 4, 4), (4, 5, 4, 4), "recommend"),
    3: ((3, 4, 3, 3), (3, 3, 4, 2), (3, 3, 4, 3), "do_not_recommend"),
    4: ((4, 3, 4, 5), (2, 3, 4, 4), (3, 3, 4, 4), "recommend"),
    5: ((3, 3, 3, 3), (4, 3, 3, 4), (4, 3, 3, 3), "recommend"),
    6: ((5, 4, 4, 4), (4, 4, 5, 4), (5, 4, 4, 4), "do_not_recommend"),  # gold label expired: ineligible
    7: ((4, 3, 3, 4), (3, 3, 4, 4), (4, 3, 3, 4), "recommend"),
    8: ((3, 4, 4, 3), (3, 4, 3, 3), (3, 4, 4, 3), "recommend"),
    9: ((4, 4, 4, 4), (5, 4, 3, 4), (4, 4, 4, 4), "recommend"),
    10: ((5, 4, 4, 5), (5, 5, 4, 4), (5, 5, 4, 4), "recommend"),
    11: ((3, 3, 2, 3), (1, 3, 3, 3), (2, 3, 3, 3), "do_not_recommend"),  # no knowledge institution on the board
    12: ((4, 5, 4, 4), (4, 4, 4, 5), (4, 5, 4, 4), "recommend"),
    13: ((3, 3, 3, 3), None, None, ""),  # the secretariat has submitted, UFM has not started
    15: (None, None, None, ""),  # assigned, not started
}
EXPIRED_GOLD = 6
COMPANIES_ONLY_BOARD = 11
GOLD_PLAN = (5, 9)

WORDS = {
    1: "Svag",
    2: "Under middel",
    3: "Tilfredsstillende",
    4: "God",
    5: "Fremragende",
}
CRITERION_TEXTS = {
    "organisation": (
        "{name} har et sekretariat med {staff} årsværk og en bestyrelse med erhvervsledere og forskere. "
        "Vi har hovedkontor i {city} og regionale filialer, så virksomheder i hele landet kan bruge os. "
        "Ledelsen har erfaring med klyngedrift, og vi har gennemført en ekstern evaluering i 2019."
    ),
    "activities": (
        "Vi tilbyder innovationsforløb for små og mellemstore virksomheder, matchmaking med "
        "videninstitutioner, internationale delegationsrejser og et program for iværksættere. "
        "Aktiviteterne bygger på en behovsanalyse blandt {members} medlemsvirksomheder."
    ),
    "placement": (
        "{name} samarbejder med Erhvervshusene, Innovationsfonden og de regionale vækstfora, så vores "
        "ydelser supplerer det øvrige erhvervs- og innovationsfremmesystem uden at overlappe."
    ),
    "partners": (
        "Partnerkredsen tæller virksomheder, universiteter, GTS-institutter og kommuner. Partnerne har "
        "underskrevet hensigtserklæringer og deltager i styregruppen for aktiviteterne."
    ),
}


def _pdf(title: str) -> bytes:
    """Return a one-page PDF that shows `title` (a stand-in for a real attachment)."""
    text = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


def _attach(application: Application, kind: str, title: str, by) -> None:
    content = _pdf(title)
    attachment = Attachment(
        application=application,
        kind=kind,
        original_name=f"{kind.replace('_', '-')}.pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
    )
    attachment.file.save("upload.pdf", ContentFile(content), save=False)
    attachment.save()


def _fill(application: Application, index: int, by) -> None:
    """Write every section of the application (a fresh one) plausibly."""
    call = application.call
    organisation = application.organisation
    name = organisation.name
    for requirement in call.requirements.all():
        RequirementAnswer.objects.create(
            application=application,
            requirement=requirement,
            text=f"{name} opfylder kravet; se vedlagte dokumentation og beskrivelsen nedenfor.",
        )
    staff = 6 + index % 9
    for criterion in call.criteria.all():
        template = CRITERION_TEXTS.get(criterion.code, "{name} beskriver her, hvordan kriteriet opfyldes.")
        text = template.format(name=name, staff=staff, city=organisation.city, members=80 + index * 17)
        CriterionAnswer.objects.create(application=application, criterion=criterion, text=text)
    board = [
        ("Direktør Hanne Holm", BoardMember.Affiliation.COMPANY, f"{name.split()[0]} Industri A/S"),
        ("Adm. direktør Peter Lund", BoardMember.Affiliation.COMPANY, "Lund & Co. ApS"),
        ("Professor Mette Kjær", BoardMember.Affiliation.KNOWLEDGE_INSTITUTION, "Aarhus Universitet"),
        ("Institutchef Jonas Berg", BoardMember.Affiliation.KNOWLEDGE_INSTITUTION, "Teknologisk Institut"),
        ("Erhvervschef Sofie Dahl", BoardMember.Affiliation.OTHER, f"{organisation.city} Kommune"),
    ]
    if index == COMPANIES_ONLY_BOARD:
        board = [member for member in board if member[1] != BoardMember.Affiliation.KNOWLEDGE_INSTITUTION]
    BoardMember.objects.bulk_create(
        BoardMember(application=application, name=n, affiliation=a, employer=e) for n, a, e in board
    )
    Location.objects.create(
        application=application, kind=Location.Kind.HEADQUARTERS, city=organisation.city, region=organisation.region
    )
    branch_region = Region.HOVEDSTADEN if organisation.region != Region.HOVEDSTADEN else Region.MIDTJYLLAND
    Location.objects.create(
        application=application,
        kind=Location.Kind.BRANCH,
        city="København" if branch_region == Region.HOVEDSTADEN else "Aarhus",
        region=branch_region,
    )
    types = list(call.activity_types.all())
    for number, (title, description) in enumerate(
        [
            ("Innovationsforløb for SMV'er", "Forløb, hvor virksomheder og forskere udvikler nye løsninger sammen."),
            ("Internationale partnerskaber", "Delegationsrejser og matchmaking med udenlandske klynger."),
        ]
    ):
        activity = Activity.objects.create(
            application=application,
            activity_type=types[(index + number) % len(types)],
            title=title,
            description=description,
            first_year=call.period_start,
            last_year=call.period_end,
            budget=2_000_000 + 250_000 * ((index + number) % 5),
        )
        ActivityActor.objects.bulk_create(
            [
                ActivityActor(
                    activity=activity, name=f"{name.split()[0]} Produktion A/S", actor_type=ActorType.COMPANY
                ),
                ActivityActor(
                    activity=activity, name="Syddansk Universitet", actor_type=ActorType.KNOWLEDGE_INSTITUTION
                ),
            ]
        )
    Partner.objects.bulk_create(
        [
            Partner(
                application=application,
                name="Danmarks Tekniske Universitet",
                partner_type=ActorType.KNOWLEDGE_INSTITUTION,
                role="Forskningspartner",
            ),
            Partner(
                application=application,
                name=f"{organisation.city} Erhvervshus",
                partner_type=ActorType.PUBLIC,
                role="Regional forankring",
            ),
            Partner(
                application=application,
                name=f"{name.split()[0]} Teknik ApS",
                partner_type=ActorType.COMPANY,
                role="Medlem og testvirksomhed",
            ),
        ]
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            application=application,
            year=year,
            board_amount=4_000_000 + 100_000 * (index % 7),
            ufm_amount=1_500_000,
            cofinancing=1_000_000,
        )
        for year in call.years
    )
    _attach(application, Attachment.Kind.STATUTES, f"Vedtaegter for {name}", by)
    _attach(application, Attachment.Kind.ANNUAL_ACCOUNTS, f"Aarsregnskab 2019 for {name}", by)
    if index in GOLD_PLAN:
        _attach(application, Attachment.Kind.GOLD_PLAN, f"Plan for guldmaerkning, {name}", by)
    else:
        _attach(application, Attachment.Kind.GOLD_CERTIFICATE, f"Guldcertifikat, {name}", by)


def _application(call: Call, index: int, area: BusinessArea, by) -> Application:
    """Return the organisation's submitted demo application, creating it (directly, not through
    application_submit: the demo deadline has passed) the first time."""
    organisation = Organisation.objects.get(cvr=demo_cvr(index))
    existing = Application.objects.filter(call=call, organisation=organisation).exclude(status="withdrawn").first()
    if existing:
        return existing
    deadline = call.deadline.astimezone(CPH)
    gold = {
        "gold_status": Application.GoldStatus.GOLD,
        "gold_awarded_on": dt.date(2018, 3 + index % 9, 1),
        "gold_expires_on": dt.date(2021 + index % 3, 3 + index % 9, 1),
    }
    if index == EXPIRED_GOLD:
        gold["gold_awarded_on"], gold["gold_expires_on"] = dt.date(2017, 3, 1), dt.date(2020, 3, 1)
    if index in GOLD_PLAN:
        gold = {"gold_status": Application.GoldStatus.PLAN, "gold_target_date": dt.date(2021, 12, 1)}
    application = Application.objects.create(
        call=call,
        organisation=organisation,
        business_area=area,
        created_by=by,
        equity=1_500_000 + index * 125_000,
        turnover=9_000_000 + index * 750_000,
        staff_count=6 + index % 9,
        vg_listing_url="" if index % 4 == 0 else organisation.virksomhedsguiden_url,
        vg_commitment=index % 4 == 0,
        **gold,
    )
    _fill(application, index, by)
    content = application_content(application=application)
    application.status = Application.Status.SUBMITTED
    application.submitted_at = (deadline - dt.timedelta(days=index % 5, hours=index)).replace(minute=7 * index % 60)
    application.submitted_content = content
    application.content_sha256 = application_digest(content)
    application.save()
    return application


CHECK_NOTES = {
    GOLD_LABEL: "Guldmærket udløb 1. marts 2020, før ansøgningsfristen; der er ingen plan for fornyelse.",
    BOARD_COMPOSITION: "Bestyrelsen har ingen medlemmer fra videninstitutioner.",
}


def _review(assignment: Assignment, scores, *, submit: bool = True) -> None:
    """Declare no conflict, check the requirements as suggested, score and submit (unless done already)."""
    user = assignment.reviewer
    if not assignment.is_declared:
        assignment = conflict_declare(assignment=assignment, by=user, conflict="none")
    if assignment.is_submitted or scores is None:
        return
    application = assignment.application
    suggestions = requirement_suggestions(application=application)
    checks = []
    for requirement in application.call.requirements.all():
        verdict = suggestions[requirement.pk].verdict or "met"
        note = "" if verdict == "met" else CHECK_NOTES.get(requirement.code, "Skal afklares med ansøgeren.")
        checks.append(CheckInput(requirement, verdict, note))
    inputs = [
        ScoreInput(criterion, value, f"{WORDS[value]}: {criterion.short_name.lower()} er vurderet ud fra ansøgningen.")
        for criterion, value in zip(application.call.criteria.all(), scores, strict=True)
    ]
    review_save(assignment=assignment, by=user, checks=checks, scores=inputs)
    if submit:
        review_submit(assignment=assignment, by=user)


def _agree(application: Application, consensus, recommendation: str, secretariat, ufm, index: int) -> None:
    joint = JointAssessment.objects.filter(application=application).first()
    if joint and joint.is_agreed:
        return
    eligible = index not in (EXPIRED_GOLD, COMPANIES_ONLY_BOARD)
    reasons = "" if eligible else CHECK_NOTES[GOLD_LABEL if index == EXPIRED_GOLD else BOARD_COMPOSITION]
    joint = joint_save(
        application=application,
        by=secretariat,
        expected_version=joint.version if joint else 0,
        scores=[
            ScoreInput(criterion, value, f"Enighed om {WORDS[value].lower()} på {criterion.short_name.lower()}.")
            for criterion, value in zip(application.call.criteria.all(), consensus, strict=True)
        ],
        eligible=eligible,
        eligibility_reasons=reasons,
        recommendation=recommendation,
    )
    joint = joint_confirm(application=application, by=secretariat, expected_version=joint.version)
    joint_confirm(application=application, by=ufm, expected_version=joint.version)


@transaction.atomic
def seed(*, stdout=None) -> None:
    """Create the demo applications, assignments, reviews and joint assessments (idempotent)."""
    users = get_user_model().objects.in_bulk([SECRETARIAT, UFM, ADMIN], field_name="email")
    secretariat, ufm, admin = users[SECRETARIAT], users[UFM], users[ADMIN]
    call = Call.objects.get(slug=CALL_SLUG)
    areas = {area.name: area for area in call.areas.all()}
    area_names = [name for name, _english in [*AREAS, EMERGING_AREA]]
    agreed = 0
    for index, (sec_scores, ufm_scores, consensus, recommendation) in REVIEWS.items():
        area = areas[area_names[ORGANISATIONS[index][2]]]
        application = _application(call, index, area, admin)
        sec_assignment = assignment_create(application=application, reviewer=secretariat, by=secretariat)
        ufm_assignment = assignment_create(application=application, reviewer=ufm, by=secretariat)
        if sec_scores is not None:
            _review(sec_assignment, sec_scores)
        if ufm_scores is not None:
            _review(ufm_assignment, ufm_scores)
        if consensus is not None:
            _agree(application, consensus, recommendation, secretariat, ufm, index)
            agreed += 1
    if stdout:
        stdout.write(f"Review: {len(REVIEWS)} submitted applications, {agreed} with an agreed joint assessment.")
