"""The start page is assembled from panels that each app registers for the roles it serves.

Imports flow one way (clusterfund <- applications <- review <- allocation), so the start page
cannot import the apps; instead each app registers its panels in its AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    """One section of a role's start page: a template and a function that returns its context."""

    roles: frozenset[str]
    template: str
    context: Callable[[object], dict]
    order: int = 100


_panels: list[Panel] = []


def register_panel(*, roles: set[str], template: str, context: Callable[[object], dict], order: int = 100) -> None:
    """Add a panel shown on the start page of users holding any of `roles`."""
    _panels.append(Panel(frozenset(roles), template, context, order))
    _panels.sort(key=lambda panel: panel.order)


def panels_for(user, held_roles: set[str]) -> list[dict]:
    """Return the panels (template name and context) that this user's start page shows, in order."""
    return [{"template": panel.template, **panel.context(user)} for panel in _panels if panel.roles & held_roles]
