"""`python manage.py seed_demo`: create the demo call, users and data. Idempotent.

Each app that has a `demo` module with a `seed(stdout=...)` function contributes its part, in the
order of INSTALLED_APPS (clusterfund, applications, review, allocation), so the project package
does not import the apps it sits under.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from clusterfund.demo import logins


class Command(BaseCommand):
    help = "Create or refresh the demo call (2021–2024), users per role and applicant organisations."

    def handle(self, *args, **options):
        with transaction.atomic():
            for config in apps.get_app_configs():
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as missing:
                    if missing.name != f"{config.name}.demo":
                        raise
                    continue
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/konto/log-ind/ as:"))
        for role, email, password in logins():
            self.stdout.write(f"  {role:<28} {email:<40} {password}")
