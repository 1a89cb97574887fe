from django.http import Http404
from django.views.generic import TemplateView

from ..models import Call
from ..public_cache import cached_page
from ..selectors import budget_table, budget_totals, call_for_public_page, calls_for_front_page


class PublicPageView(TemplateView):
    """A page for everyone: visitors without a login get it from the public page cache."""

    def get(self, request, *args, **kwargs):
        def render(extra: dict):
            return self.render_to_response({**self.get_context_data(**kwargs), **extra})

        return cached_page(request, render)


class HomeView(PublicPageView):
    """The public front page: open, upcoming and past calls."""

    template_name = "applications/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **calls_for_front_page())


class CallDetailView(PublicPageView):
    """A call's public page: requirements, criteria, activity types, budget, timeline, deadline."""

    template_name = "applications/call_detail.html"

    def get_context_data(self, **kwargs):
        try:
            call = call_for_public_page(slug=self.kwargs["slug"])
        except Call.DoesNotExist as missing:
            raise Http404 from missing
        rows = budget_table(call)
        criteria = list(call.criteria.all())
        return super().get_context_data(
            **kwargs,
            call=call,
            criteria=criteria,
            weight_total=sum(c.weight for c in criteria),
            budget_rows=rows,
            budget_totals=budget_totals(rows),
        )
