"""Factories for the review, and a builder of a whole reviewed call (tests and benchmarks)."""

import datetime as dt
import itertools

import factory
from django.utils import timezone

from applications.models import Application, BoardMember, Call, CriterionAnswer
from review.models import Assignment, JointAssessment, JointScore, RequirementCheck, Score, Side
from tests.factories.applications import ApplicationFactory, OrganisationFactory, open_call_with_parts
from tests.factories.clusterfund import UserFactory


class SubmittedApplicationFactory(ApplicationFactory):
    """A submitted application in the call's first area, with evidence that meets every requirement."""

    status = Application.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    business_area = factory.LazyAttribute(lambda o: o.call.areas.first())
    equity = 2_000_000
    turnover = 15_000_000
    staff_count = 12
    gold_status = Application.GoldStatus.GOLD
    gold_awarded_on = dt.date(2019, 1, 1)
    gold_expires_on = dt.date(2029, 1, 1)
    vg_listing_url = "https://virksomhedsguiden.dk/klynge"


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An assignment whose reviewer has declared no conflict (pass conflict="" for an undeclared one)."""

    class Meta:
        model = Assignment

    application = factory.SubFactory(SubmittedApplicationFactory)
    reviewer = factory.SubFactory(UserFactory, roles=["secretariat"])
    side = Side.SECRETARIAT
    assigned_by = factory.SubFactory(UserFactory, roles=["secretariat"])
    conflict = Assignment.Conflict.NONE
    conflict_declared_at = factory.LazyAttribute(lambda o: timezone.now() if o.conflict else None)


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    assignment = factory.SubFactory(AssignmentFactory)
    value = 3
    justification = "Begrundelse."


def score_all(assignment: Assignment, values: list[int], *, submit: bool = False) -> Assignment:
    """Give the assignment one score per criterion (in the call's order) and a met verdict per requirement."""
    call = assignment.application.call
    for criterion, value in zip(call.criteria.all(), values, strict=True):
        Score.objects.update_or_create(
            assignment=assignment, criterion=criterion, defaults={"value": value, "justification": f"Giver {value}."}
        )
    for requirement in call.requirements.all():
        RequirementCheck.objects.update_or_create(
            assignment=assignment, requirement=requirement, defaults={"verdict": "met"}
        )
    assignment.status = Assignment.Status.SUBMITTED if submit else Assignment.Status.IN_PROGRESS
    assignment.submitted_at = timezone.now() if submit else None
    assignment.save()
    return assignment


def agree(application: Application, values: list[int], *, eligible: bool = True, confirmed: bool = True):
    """Give the application a joint assessment with these consensus scores (confirmed by both sides)."""
    joint, _ = JointAssessment.objects.get_or_create(application=application)
    for criterion, value in zip(application.call.criteria.all(), values, strict=True):
        JointScore.objects.update_or_create(
            joint=joint, criterion=criterion, defaults={"value": value, "justification": "Enige."}
        )
    joint.eligible = eligible
    joint.eligibility_reasons = "" if eligible else "Opfylder ikke kravene."
    joint.recommendation = "recommend" if eligible else "do_not_recommend"
    if confirmed:
        now = timezone.now()
        joint.secretariat_confirmed_by = joint.secretariat_confirmed_by or UserFactory(roles=["secretariat"])
        joint.ufm_confirmed_by = joint.ufm_confirmed_by or UserFactory(roles=["ufm"])
        joint.secretariat_confirmed_at = joint.ufm_confirmed_at = now
    joint.save()
    return joint


def call_with_reviews(*, applications: int, reviewers: int = 6, call: Call | None = None, seed: int = 0) -> Call:
    """Return a call with `applications` submitted applications spread over its areas, each reviewed
    (submitted) by `reviewers` reviewers (half secretariat, half UFM) and with a confirmed consensus.

    Rows are written with bulk_create, so this stays quick for hundreds of applications.
    """
    call = call or open_call_with_parts()
    areas = list(call.areas.all())
    criteria = list(call.criteria.all())
    requirements = list(call.requirements.all())
    secretariat = [UserFactory(roles=["secretariat"]) for _ in range((reviewers + 1) // 2)]
    ufm = [UserFactory(roles=["ufm"]) for _ in range(reviewers // 2)]
    people = [(u, Side.SECRETARIAT) for u in secretariat] + [(u, Side.UFM) for u in ufm]
    creator = secretariat[0] if secretariat else UserFactory()
    organisations = [OrganisationFactory.build() for _ in range(applications)]
    from applications.models import Organisation

    Organisation.objects.bulk_create(organisations)
    now = timezone.now()
    apps = Application.objects.bulk_create(
        Application(
            call=call,
            organisation=organisation,
            created_by=creator,
            status=Application.Status.UNDER_REVIEW,
            submitted_at=now,
            business_area=areas[i % len(areas)],
            equity=1_000_000,
            turnover=9_000_000,
            staff_count=8,
        )
        for i, organisation in enumerate(organisations)
    )
    CriterionAnswer.objects.bulk_create(
        CriterionAnswer(application=a, criterion=c, text=f"Tekst {a.pk}/{c.code}") for a in apps for c in criteria
    )
    BoardMember.objects.bulk_create(
        BoardMember(application=a, name=f"Medlem {a.pk}", affiliation=BoardMember.Affiliation.COMPANY) for a in apps
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(
            application=a,
            reviewer=user,
            side=side,
            assigned_by=creator,
            status=Assignment.Status.SUBMITTED,
            submitted_at=now,
            conflict=Assignment.Conflict.NONE,
            conflict_declared_at=now,
        )
        for a in apps
        for user, side in people
    )
    lo, hi = criteria[0].scale_min, criteria[0].scale_max
    values = itertools.cycle(range(lo, hi + 1))
    for _ in range(seed):
        next(values)
    Score.objects.bulk_create(
        Score(assignment=x, criterion=c, value=next(values), justification="Begrundelse.")
        for x in assignments
        for c in criteria
    )
    RequirementCheck.objects.bulk_create(
        RequirementCheck(assignment=x, requirement=r, verdict="met") for x in assignments for r in requirements
    )
    confirmer_s = secretariat[0] if secretariat else None
    confirmer_u = ufm[0] if ufm else None
    joints = JointAssessment.objects.bulk_create(
        JointAssessment(
            application=a,
            eligible=i % 10 != 9,
            eligibility_reasons="" if i % 10 != 9 else "Ikke guldmærket.",
            recommendation="recommend" if i % 10 != 9 else "do_not_recommend",
            secretariat_confirmed_by=confirmer_s,
            secretariat_confirmed_at=now if confirmer_s else None,
            ufm_confirmed_by=confirmer_u,
            ufm_confirmed_at=now if confirmer_u else None,
        )
        for i, a in enumerate(apps)
    )
    JointScore.objects.bulk_create(
        JointScore(joint=j, criterion=c, value=lo + (j.application_id + k) % (hi - lo + 1), justification="Enige.")
        for j in joints
        for k, c in enumerate(criteria)
    )
    return call
