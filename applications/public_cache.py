"""A whole-page cache for visitors without a login on the public pages (the front page, a call's page).

Those pages change only when staff edit a call (or a call's part), or when a call opens or closes. So
each page is rendered once per language and kept until then: any save or delete of a call or its parts
bumps a generation number that every cache key carries, and an entry never outlives the next moment a
call opens or its deadline passes. Only the CSRF token differs between visitors: the page is rendered
with a placeholder for it, and each visitor's own token is put in on the way out.

The cache is Django's default cache: Redis in production (shared by every web process, so one edit
invalidates everywhere), memory in `make run` (one process).
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

GENERATION_KEY = "public-page:generation"
# Letters, digits and hyphens only, so that escaping in the templates leaves it as it is.
CSRF_PLACEHOLDER = "csrf-placeholder-9b1f4c7e2a"
logger = logging.getLogger(__name__)


def generation() -> int:
    """Return the current generation of the public pages (0 until the first change)."""
    return cache.get_or_set(GENERATION_KEY, 0, timeout=None)


def invalidate(**kwargs) -> None:
    """Make every cached public page stale: a call or one of its parts changed."""
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no generation yet (or it was evicted): any new one differs from the old keys
            cache.set(GENERATION_KEY, int(timezone.now().timestamp() * 1000), timeout=None)
    except Exception:  # the edit itself must not fail because the cache is down
        logger.error("Public page cache unavailable: pages may be stale until their timeout", exc_info=True)


def connect(models: list) -> None:
    """Invalidate the public pages whenever one of `models` is saved or deleted."""
    for model in models:
        post_save.connect(invalidate, sender=model, dispatch_uid=f"public-page:{model._meta.label}:save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"public-page:{model._meta.label}:delete")


def seconds_until_next_phase(*, now=None) -> int:
    """Return how long a cached page stays right: until the next call opens or closes, at most the setting."""
    from .models import Call

    now = now or timezone.now()
    longest = settings.PUBLIC_PAGE_CACHE_SECONDS
    moments = Call.objects.published().filter(deadline__gt=now).values_list("opens_at", "deadline")
    upcoming = [moment for pair in moments for moment in pair if moment and moment > now]
    if not upcoming:
        return longest
    return max(1, min(longest, int((min(upcoming) - now) / timedelta(seconds=1))))


def cacheable(request: HttpRequest) -> bool:
    """Whether this request may be answered from the cache: a plain GET by someone without a login."""
    return (
        request.method in {"GET", "HEAD"}
        and settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and not request.user.is_authenticated
        and not len(get_messages(request))  # a message is for this visitor only
    )


def cached_page(request: HttpRequest, render: Callable[[dict], HttpResponse]) -> HttpResponse:
    """Answer from the cache or render and keep the page; `render(extra_context)` returns a TemplateResponse."""
    if not cacheable(request):
        return render({})
    try:
        key = f"public-page:{generation()}:{get_language()}:{request.get_full_path()}"
        entry = cache.get(key)
    except Exception:  # a cache that is down costs speed, never the page
        logger.warning("Public page cache unavailable; rendering %s uncached", request.path, exc_info=True)
        return render({})
    if entry is None:
        response = render({"csrf_token": CSRF_PLACEHOLDER})
        response.render()
        if response.status_code != 200:
            return render({})
        entry = (response.content.decode(), response["Content-Type"])
        try:
            cache.set(key, entry, timeout=seconds_until_next_phase())
        except Exception:
            logger.warning("Public page cache unavailable; %s not kept", request.path, exc_info=True)
    content, content_type = entry
    return HttpResponse(content.replace(CSRF_PLACEHOLDER, get_token(request)), content_type=content_type)
