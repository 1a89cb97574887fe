"""The step guide's facts say what the rows say.

A section page loads the application with facts in its own query for the sections whose rows it does not show
(applications.facts.step_guide_facts): whether a requirement or a criterion lacks a text that is not
blank, which kinds of requirement the call has, the evidence attachments' kinds, whether an activity breaks
the call's actor rule. Whatever the application holds, the sections the step guide marks incomplete from
those facts are the ones `application_missing_items` finds reading the rows, on every section page.
"""

import sys

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.facts import WHITESPACE
from applications.models import (
    Activity,
    ActivityActor,
    ActorType,
    Application,
    Attachment,
    Call,
    CriterionAnswer,
    Location,
    Organisation,
    RequirementAnswer,
)
from applications.selectors import (
    _incomplete_sections,
    application_for_editing,
    application_missing_items,
)
from applications.views.sections_activities import ActivitiesSectionView
from applications.views.sections_criteria import CriteriaSectionView
from applications.views.sections_partners import PartnersSectionView
from applications.views.sections_requirements import RequirementsSectionView
from tests.factories.applications import complete_application

pytestmark = pytest.mark.django_db

# what each kind of section page loads besides the application (the pages not listed load no rows the step
# guide reads, as the first)
PAGE_PREFETCHES = [
    (),
    RequirementsSectionView.prefetch,
    CriteriaSectionView.prefetch,
    ActivitiesSectionView.prefetch,
    PartnersSectionView.prefetch,
]


def test_whitespace_is_what_str_strip_strips():
    assert set(WHITESPACE) == {c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()}


# an answer: none, or a text that may be blank (whitespace only, of any kind str.strip() knows) or not
answers = st.none() | st.text(alphabet=st.sampled_from([*WHITESPACE, "a", "æ"]), max_size=3) | st.just("Tekst")
actor_lists = st.lists(st.sampled_from(ActorType.values), max_size=3)

changes = st.fixed_dictionaries(
    {
        "requirement_texts": st.lists(answers, min_size=5, max_size=5),
        "dropped_requirements": st.sets(st.integers(0, 4)),
        "other_requirement": st.booleans(),  # a code the portal has no kind for
        "criterion_texts": st.lists(answers, min_size=4, max_size=4),
        "asks_for_locations": st.booleans(),
        "headquarters": st.booleans(),
        "dropped_attachments": st.sets(st.sampled_from(Attachment.Kind.values)),
        "gold_status": st.sampled_from(["", *Application.GoldStatus.values]),
        "vg_listing": st.booleans(),
        "board_members": st.integers(0, 2),
        "non_profit": st.booleans(),
        "min_actors": st.integers(1, 3),
        "requires_company": st.booleans(),
        "activities": st.lists(actor_lists, max_size=3),
    }
)


def apply(application: Application, change: dict) -> None:
    """Change the complete `application` (and its call) as `change` says."""
    call = application.call
    requirements = list(call.requirements.order_by("order"))
    for requirement, text in zip(requirements, change["requirement_texts"], strict=True):
        RequirementAnswer.objects.filter(application=application, requirement=requirement).delete()
        if text is not None:
            RequirementAnswer.objects.create(application=application, requirement=requirement, text=text)
    for index in change["dropped_requirements"]:
        requirements[index].answers.all().delete()
        requirements[index].delete()
    if change["other_requirement"]:
        call.requirements.create(code="other", text="Noget andet", order=9)
    criteria = list(call.criteria.order_by("order"))
    for criterion, text in zip(criteria, change["criterion_texts"], strict=True):
        CriterionAnswer.objects.filter(application=application, criterion=criterion).delete()
        if text is not None:
            CriterionAnswer.objects.create(application=application, criterion=criterion, text=text)
    call.criteria.filter(pk=criteria[-1].pk).update(asks_for_locations=change["asks_for_locations"])
    if not change["headquarters"]:
        application.locations.update(kind=Location.Kind.BRANCH)
    application.attachments.filter(kind__in=change["dropped_attachments"]).delete()
    for member in list(application.board_members.all())[change["board_members"] :]:
        member.delete()
    Organisation.objects.filter(pk=application.organisation_id).update(is_non_profit=change["non_profit"])
    Application.objects.filter(pk=application.pk).update(
        gold_status=change["gold_status"],
        vg_listing_url=application.vg_listing_url if change["vg_listing"] else "",
    )
    Call.objects.filter(pk=call.pk).update(
        activity_min_actors=change["min_actors"], activity_requires_company=change["requires_company"]
    )
    activity_type = call.activity_types.first()
    application.activities.all().delete()
    for number, actor_types in enumerate(change["activities"]):
        activity = Activity.objects.create(
            application=application,
            activity_type=activity_type,
            title=f"Aktivitet {number}",
            description="Beskrivelse.",
            first_year=call.period_start,
            last_year=call.period_end,
            budget=1_000_000,
        )
        for actor_type in actor_types:
            ActivityActor.objects.create(activity=activity, name=actor_type, actor_type=actor_type)


class Rollback(Exception):
    pass


@pytest.fixture
def complete():
    return complete_application()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(change=changes)
def test_the_facts_mark_the_sections_the_rows_find_lacking(complete, change):
    try:
        with transaction.atomic():
            apply(complete, change)
            rows = Application.objects.get(pk=complete.pk)
            lacking = {item.section for item in application_missing_items(application=rows)}
            for prefetch in PAGE_PREFETCHES:
                loaded = application_for_editing(pk=complete.pk, step_guide=True, prefetch=prefetch)
                assert _incomplete_sections(loaded) == lacking, prefetch
            raise Rollback
    except Rollback:
        pass


def test_the_complete_application_lacks_nothing_by_its_facts(complete):
    assert _incomplete_sections(application_for_editing(pk=complete.pk, step_guide=True)) == set()
