"""The portal's URLs plus the minimal view that measures the framework's ceiling on the same server."""

from django.http import HttpResponse
from django.urls import path

from clusterfund.urls import urlpatterns as portal


def minimal(request):
    """Return a fixed body: the whole middleware stack runs, no template, no query."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *portal]
