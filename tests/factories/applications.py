import datetime as dt

import factory
from django.utils import timezone

from applications.models import (
    ActivityType,
    BudgetFrame,
    BusinessArea,
    Call,
    Criterion,
    Funder,
    Organisation,
    Region,
    Requirement,
)
from applications.validators import cvr_with_check_digit


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
