"""One e-mail address, one account: store every address lower-case and let the database refuse a variant.

Before the constraint is added, the data step looks for accounts whose addresses differ only in case. If
there are any, it stops the migration with a report naming each group (id, address, last login), because
choosing which account a person keeps (and moving their memberships and work to it) is a decision for an
administrator, not for a migration. With none, it stores every address lower-case and the constraint follows.
"""

from collections import defaultdict

import django.db.models.functions.text
from django.db import migrations, models


class DuplicateEmails(Exception):
    """Raised, with a report, when accounts share an e-mail address apart from upper and lower case."""


def duplicate_email_groups(User) -> list[list]:
    """Return the groups of users (each sorted by id) whose e-mail addresses are equal ignoring case."""
    by_key = defaultdict(list)
    for user in User.objects.order_by("pk").only("pk", "email", "last_login"):
        by_key[user.email.strip().lower()].append(user)
    return [users for _key, users in sorted(by_key.items()) if len(users) > 1]


def duplicate_report(groups: list[list]) -> str:
    """Return the text that tells an administrator which accounts to merge before migrating again."""
    lines = [
        f"{len(groups)} e-mail address(es) belong to more than one account (compared without regard to case).",
        "Merge or rename these accounts (keep one per person), then run the migration again:",
    ]
    for users in groups:
        lines.append(f"  {users[0].email.strip().lower()}:")
        for user in users:
            last_login = user.last_login.isoformat() if user.last_login else "never"
            lines.append(f"    user id {user.pk}: {user.email!r}, last login {last_login}")
    return "\n".join(lines)


def lower_emails(apps, schema_editor):
    """Store every address lower-case; stop with a report if two accounts would then share one."""
    User = apps.get_model("clusterfund", "User")
    groups = duplicate_email_groups(User)
    if groups:
        raise DuplicateEmails(duplicate_report(groups))
    for user in User.objects.only("pk", "email"):
        stored = user.email.strip().lower()
        if stored != user.email:
            User.objects.filter(pk=user.pk).update(email=stored)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("clusterfund", "0005_outbox"),
    ]

    operations = [
        migrations.RunPython(lower_emails, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                name="user_email_lower_unique",
                violation_error_message=(
                    "An account with this e-mail address already exists. Upper and lower case count as the same: "
                    "one e-mail address, one account."
                ),
            ),
        ),
    ]
