from .roles import Role, roles_of


def roles(request) -> dict:
    """Return the current user's role slugs as `user_roles`, for menus."""
    held = roles_of(getattr(request, "user", None))
    return {"user_roles": held, "Role": Role}
