"""What the governance demo's seeders share: the secretariat's login, the organisations' contacts, output.

Its own module, so that governance.demo (which runs the seeders) and the seeders it imports do not import
each other.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from clusterfund.demo import DEMO_PASSWORD
from clusterfund.roles import Role

from .models import Grant

SECRETARIAT = "sekretariat@klyngeportalen.example"


def _say(stdout, text: str) -> None:
    if stdout:
        stdout.write(text)


def _contact(grant: Grant, index: int):
    """Return a member of the grant's organisation (the demo applicant for theirs, else a demo contact)."""
    member = grant.organisation.members.order_by("pk").first()
    if member is not None:
        return member
    User = get_user_model()
    # the first grant's contact is the README's login for the grant period; the others are for completeness
    email = "tilsagn@klyngeportalen.example" if index == 0 else f"kontakt{index}@klyngeportalen.example"
    name = "Tina Tilsagn" if index == 0 else f"Kontakt {grant.organisation.name}"
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get_or_create(name=Role.APPLICANT.value)[0])
    grant.organisation.members.add(user)
    return user
