import rules

from .roles import Role, roles_of


class _AppRules:
    """`rules_perms.<app>.<name>`: whether the user holds the rules.py permission `<app>.<name>`."""

    def __init__(self, user, app: str):
        self.user, self.app = user, app

    def __getitem__(self, name: str) -> bool:
        return rules.has_perm(f"{self.app}.{name}", self.user)

    def __iter__(self):
        raise TypeError("not iterable")  # the template engine must look names up, not loop


class RulesPermWrapper:
    """Like Django's `perms`, but asks only the rules.py permissions: no model-permission queries on every page
    for a permission the user does not hold (Django's `perms` then asks the database's model permissions)."""

    def __init__(self, user):
        self.user = user

    def __getitem__(self, app: str) -> _AppRules:
        return _AppRules(self.user, app)

    def __iter__(self):
        raise TypeError("not iterable")


def roles(request) -> dict:
    """Return the current user's role slugs as `user_roles` (for showing them) and `rules_perms`, the rules.py
    permissions, for menus that show only what the user may open."""
    user = getattr(request, "user", None)
    return {"user_roles": roles_of(user), "Role": Role, "rules_perms": RulesPermWrapper(user)}
