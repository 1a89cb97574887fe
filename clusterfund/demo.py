"""Demo users, one per role (and a second sub-committee member), for `seed_demo`."""

from django.contrib.auth.models import Group

from .models import User
from .roles import Role

DEMO_PASSWORD = "demo-Klynge-2020"  # noqa: S105 (a published demo login)

DEMO_USERS = [
    ("ansoeger@klyngeportalen.example", "Anne Ansøger", [Role.APPLICANT]),
    ("sekretariat@klyngeportalen.example", "Søren Sekretariat", [Role.SECRETARIAT]),
    ("ufm@klyngeportalen.example", "Ulla UFM", [Role.UFM]),
    ("underudvalg@klyngeportalen.example", "Ulrik Underudvalg", [Role.SUBCOMMITTEE_MEMBER]),
    ("underudvalg2@klyngeportalen.example", "Ursula Underudvalg", [Role.SUBCOMMITTEE_MEMBER]),
    ("formand@klyngeportalen.example", "Frederik Formand", [Role.SUBCOMMITTEE_CHAIR]),
    ("admin@klyngeportalen.example", "Agnete Administrator", [Role.ADMINISTRATOR]),
]


def seed(*, stdout=None) -> dict:
    """Create (or refresh) the demo users; return them by e-mail."""
    users = {}
    for email, name, roles in DEMO_USERS:
        user, _created = User.objects.get_or_create(email=email, defaults={"full_name": name})
        user.full_name = name
        user.set_password(DEMO_PASSWORD)
        is_admin = Role.ADMINISTRATOR in roles
        user.is_staff = is_admin or Role.SECRETARIAT in roles
        user.is_superuser = is_admin
        user.save()
        user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
        users[email] = user
    return users


def logins() -> list[tuple[str, str, str]]:
    """Return (role label, e-mail, password) per demo user, for printing."""
    return [(", ".join(str(r.label) for r in roles), email, DEMO_PASSWORD) for email, _name, roles in DEMO_USERS]
