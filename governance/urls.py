"""The governance pages. The grants-and-plans half and the reports half each keep their own list;
`urlpatterns` is their concatenation, so each half appends to its own list only."""

from .views import dashboard as dashboard_views
from .views import dialogue as dialogue_views
from .views import grants, overview, plans, reports
from .views import watch as watch_views

app_name = "governance"

# grants, indicators and action plans (governance/views/grants.py, plans.py)
grant_patterns: list = [*grants.urlpatterns, *plans.urlpatterns]

# reporting calendar, reports, participant register, overview and exports (governance/views/reports.py, ...)
report_patterns: list = [*reports.urlpatterns, *overview.urlpatterns]

# gold-label watch, status dialogue and portfolio dashboard (governance/views/watch.py, dialogue.py, dashboard.py)
watch_patterns: list = [*watch_views.urlpatterns, *dialogue_views.urlpatterns, *dashboard_views.urlpatterns]

urlpatterns = grant_patterns + report_patterns + watch_patterns
