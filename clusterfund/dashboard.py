"""The start page is assembled from panels that each app registers, each shown to holders of one permission
(a rules.py permission about no object: the panel's own page checks the same or a stricter one).

Imports flow one way (clusterfund <- applications <- review <- allocation), so the start page
cannot import the apps; instead each app registers its panels in its AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass

import rules


@dataclass(frozen=True)
class Panel:
    """One section of the start page: who sees it, a template and a function that returns its context."""

    permission: str
    template: str
    context: Callable[[object], dict]
    order: int = 100


_panels: list[Panel] = []


def register_panel(*, permission: str, template: str, context: Callable[[object], dict], order: int = 100) -> None:
    """Add a panel shown on the start page of users holding `permission`."""
    _panels.append(Panel(permission, template, context, order))
    _panels.sort(key=lambda panel: panel.order)


def panels_for(user) -> list[dict]:
    """Return the panels (template name and context) that this user's start page shows, in order.

    Asks the rules.py permissions only (`rules.has_perm`), not every authentication backend: a panel the
    user may not see then costs no model-permission queries."""
    return [
        {"template": panel.template, **panel.context(user)}
        for panel in _panels
        if rules.has_perm(panel.permission, user)
    ]
