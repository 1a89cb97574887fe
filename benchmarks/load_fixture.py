"""Data for benchmarks/load.py: the demo, plus 50 applicants with a draft each and 10 reviewers.

Each reviewer holds what the demo's secretariat reviewer holds (a copy of each of that reviewer's
assignments, in the same state), so the reviewers' queue is a real reviewer's queue, not an empty page.

Run by load.py with DJANGO_SETTINGS_MODULE=benchmarks.load_settings; writes the logins and the
applications' ids as JSON to the path given as the first argument.
"""

import json
import sys

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from applications.demo import CALL_SLUG, PRACTICE_SLUG  # noqa: E402
from applications.models import Call  # noqa: E402
from applications.services import application_create  # noqa: E402
from clusterfund.models import User  # noqa: E402
from clusterfund.roles import Role  # noqa: E402
from review.models import Assignment  # noqa: E402
from tests.factories.applications import OrganisationFactory  # noqa: E402

APPLICANTS = 50
REVIEWERS = 10
PASSWORD = "load-Benchmark-2026"


def user(email: str, role: Role) -> User:
    person = User.objects.create(email=email, full_name=email.split("@")[0])
    person.set_password(PASSWORD)
    person.save(update_fields=["password"])
    person.groups.add(Group.objects.get(name=role.value))
    return person


@transaction.atomic
def build() -> dict:
    practice = Call.objects.get(slug=PRACTICE_SLUG)
    applicants = []
    for n in range(APPLICANTS):
        person = user(f"load-applicant-{n}@example.dk", Role.APPLICANT)
        organisation = OrganisationFactory(name=f"Belastningsklynge {n}")
        organisation.members.add(person)
        application = application_create(call=practice, organisation=organisation, by=person)
        applicants.append({"email": person.email, "application": application.pk})
    reviewers = []
    demo_reviewer = User.objects.get(email="sekretariat@klyngeportalen.example")
    for n in range(REVIEWERS):
        reviewer = user(f"load-reviewer-{n}@example.dk", Role.SECRETARIAT)
        for assignment in Assignment.objects.filter(reviewer=demo_reviewer):
            assignment.pk, assignment.reviewer = None, reviewer
            assignment.save()
        reviewers.append({"email": reviewer.email})
    return {
        "password": PASSWORD,
        "applicants": applicants,
        "reviewers": reviewers,
        "call": CALL_SLUG,
        "practice": PRACTICE_SLUG,
    }


if __name__ == "__main__":
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with open(sys.argv[1], "w") as out:
        json.dump(build(), out)
