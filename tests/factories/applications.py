import datetime as dt

import factory
from django.utils import timezone

from applications.models import (
    ActivityType,
    Application,
    BudgetFrame,
    BusinessArea,
    Call,
    Criterion,
    Funder,
    Organisation,
    Region,
    Requirement,
)
from clusterfund.validators import cvr_with_check_digit


def _valid_cvr(n: int) -> str:
    base = 2_000_000 + n * 13
    while (cvr := cvr_with_check_digit(str(base))) is None:
        base += 1
    return cvr


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"opslag-{n}")
    title = factory.Sequence(lambda n: f"Opslag {n}")
    period_start = 2021
    period_end = 2024
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    is_published = True


class BusinessAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessArea

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Område {n}")


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"krav-{n}")
    text = factory.Sequence(lambda n: f"Krav {n}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"kriterium-{n}")
    name = factory.Sequence(lambda n: f"Kriterium {n}")
    short_name = factory.Sequence(lambda n: f"K{n}")
    weight = 25


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType

    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"aktivitet-{n}")
    name = factory.Sequence(lambda n: f"Aktivitetstype {n}")


class BudgetFrameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetFrame

    call = factory.SubFactory(CallFactory)
    year = 2021
    funder = Funder.BOARD
    amount = 80_000_000
    source = BudgetFrame.Source.UNDECIDED


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Klyngeorganisation {n}")
    cvr = factory.Sequence(_valid_cvr)
    legal_form = Organisation.LegalForm.ASSOCIATION
    is_non_profit = True
    region = Region.SYDDANMARK


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory("tests.factories.clusterfund.UserFactory")


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name: str = "bilag.pdf", content: bytes = MINIMAL_PDF):
    """Return an uploaded file holding a (tiny) real PDF."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def open_call_with_parts(**call_kwargs) -> Call:
    """Return an open call configured like the memo's: five requirements, four criteria, two areas, frames."""
    call = CallFactory(**call_kwargs)
    for order, code in enumerate(
        ["legal_entity", "robust_foundation", "board_composition", "gold_label", "virksomhedsguiden"], start=1
    ):
        RequirementFactory(call=call, code=code, order=order)
    for order, (code, weight) in enumerate(
        [("organisation", 30), ("activities", 30), ("placement", 20), ("partners", 20)], 1
    ):
        CriterionFactory(call=call, code=code, weight=weight, order=order, asks_for_locations=code == "organisation")
    ActivityTypeFactory(call=call)
    BusinessAreaFactory(call=call, name="Miljøteknologi")
    BusinessAreaFactory(call=call, name="Energiteknologi")
    for year in call.years:
        BudgetFrameFactory(call=call, year=year, funder=Funder.BOARD)
        BudgetFrameFactory(call=call, year=year, funder=Funder.UFM)
    return call


def complete_application(*, call: Call | None = None, member=None) -> Application:
    """Return a draft with every section filled in, so it can be submitted."""
    import datetime as dt

    from applications.models import (
        Activity,
        ActivityActor,
        ActorType,
        Attachment,
        BoardMember,
        BudgetLine,
        CriterionAnswer,
        Location,
        Partner,
        RequirementAnswer,
    )
    from applications.services import attachment_add

    call = call or open_call_with_parts()
    application = ApplicationFactory(call=call, business_area=call.areas.first())
    if member is None:
        member = application.created_by
    application.organisation.members.add(member)
    for requirement in call.requirements.all():
        RequirementAnswer.objects.create(
            application=application, requirement=requirement, text=f"Vi opfylder {requirement.code}."
        )
    for criterion in call.criteria.all():
        CriterionAnswer.objects.create(application=application, criterion=criterion, text=f"Tekst om {criterion.name}.")
    Location.objects.create(
        application=application, kind=Location.Kind.HEADQUARTERS, city="Odense", region="syddanmark"
    )
    BoardMember.objects.create(application=application, name="Virksomhedsleder", affiliation="company")
    BoardMember.objects.create(application=application, name="Professor", affiliation="knowledge_institution")
    application.equity, application.turnover, application.staff_count = 2_000_000, 15_000_000, 12
    application.gold_status = Application.GoldStatus.GOLD
    application.gold_awarded_on, application.gold_expires_on = dt.date(2019, 1, 1), dt.date(2029, 1, 1)
    application.vg_listing_url = "https://virksomhedsguiden.dk/klynge"
    application.save()
    for kind in (Attachment.Kind.STATUTES, Attachment.Kind.ANNUAL_ACCOUNTS, Attachment.Kind.GOLD_CERTIFICATE):
        attachment_add(application=application, uploaded=pdf_upload(f"{kind}.pdf"), kind=kind, by=member)
    activity = Activity.objects.create(
        application=application,
        activity_type=call.activity_types.first(),
        title="Innovationsforløb",
        description="Forløb for SMV'er.",
        first_year=call.period_start,
        last_year=call.period_end,
        budget=4_000_000,
    )
    ActivityActor.objects.create(activity=activity, name="Virksomhed A/S", actor_type=ActorType.COMPANY)
    ActivityActor.objects.create(activity=activity, name="Universitet", actor_type=ActorType.KNOWLEDGE_INSTITUTION)
    Partner.objects.create(application=application, name="Partner ApS", partner_type=ActorType.COMPANY, role="Medlem")
    for year in call.years:
        BudgetLine.objects.create(application=application, year=year, board_amount=1_000_000, ufm_amount=1_000_000)
    return application
