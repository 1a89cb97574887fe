"""The activities section: a list page, and a page per activity to add, change or delete it.

An activity is a small form with its own rows of actors, so it gets its own page instead of the
autosaved section form; every change still goes through `activity_save` or `activity_delete`, and so through
`section_save`, so the section's version, the lock on the application and the audit trail apply as on every
other section.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View

from ..forms_lists import ActivityForm, actor_formset_class, table_helper, with_added_row, without_errors
from ..models import Activity, Application
from ..sections import SECTIONS_BY_CODE
from ..selectors import activity_actor_problems, section_status
from ..services import VersionConflict, section_version
from ..services_sections import activity_delete, activity_save
from . import sections_partners
from .base import ApplicationMixin, ListSectionView, pop_stash, posted_version

ACTOR_PREFIX = "actors"


# the activities with their types and actors, as `activities_for_list` reads them
ACTIVITIES_WITH_ACTORS = Prefetch(
    "activities", queryset=Activity.objects.select_related("activity_type").prefetch_related("actors")
)


def activities_for_list(application: Application) -> list[dict]:
    """Return the application's activities with their actors and what is wrong with them under the call's rule.

    Reads the activities prefetched with ACTIVITIES_WITH_ACTORS (the section page's), else queries them so.
    """
    call = application.call
    if "activities" in getattr(application, "_prefetched_objects_cache", {}):
        activities = application.activities.all()
    else:
        activities = application.activities.select_related("activity_type").prefetch_related("actors")
    rows = []
    for activity in activities:
        actors = list(activity.actors.all())
        rows.append(
            {
                "activity": activity,
                "actors": actors,
                "problems": activity_actor_problems(call=call, actor_types=[a.actor_type for a in actors]),
            }
        )
    return rows


class ActivitiesSectionView(ListSectionView):
    """The list of activities; adding, changing and deleting happen on the activity's own page."""

    section = "activities"
    template_name = "applications/sections/activities.html"
    prefetch = (ACTIVITIES_WITH_ACTORS,)

    def extra_context(self) -> dict:
        return {"activities": activities_for_list(self.application)}


class ActivityPageMixin(ApplicationMixin):
    """Load the activity named in the URL (404 unless it belongs to this application); drafts only."""

    section = "activities"
    step_guide = True

    def get_activity(self) -> Activity | None:
        activity_pk = self.kwargs.get("activity_pk")
        if activity_pk is None:
            return None
        try:
            return self.application.activities.select_related("activity_type").get(pk=activity_pk)
        except Activity.DoesNotExist as missing:
            raise Http404 from missing

    def section_url(self, activity: Activity | None = None) -> str:
        url = reverse("applications:section_activities", args=[self.application.pk])
        return f"{url}#activity-{activity.pk}" if activity and activity.pk else url

    def refuse_unless_editable(self):
        """Return a redirect to the list when the application can no longer be changed, else None."""
        if self.request.user.has_perm("applications.edit_application", self.application):
            return None
        messages.error(self.request, _("The application has been submitted and can no longer be changed."))
        return redirect(self.section_url())

    def render_page(self, context: dict, *, status: int = 200) -> HttpResponse:
        context = {
            "application": self.application,
            "call": self.application.call,
            "section": SECTIONS_BY_CODE[self.section],
            "steps": section_status(application=self.application),
            "editable": True,
            **context,
        }
        return render(self.request, "applications/sections/activity_form.html", context, status=status)


class ActivityFormView(ActivityPageMixin, View):
    """Add an activity (no `activity_pk` in the URL) or change one, with its actors."""

    def get_forms(self, activity: Activity | None, data=None) -> dict:
        call = self.application.call
        instance = activity or Activity(application=self.application)
        existing = activity.actors.count() if activity else 0
        formset_class = actor_formset_class(call=call, existing=existing)
        return {
            "form": ActivityForm(data, instance=instance, call=call),
            "formset": formset_class(data, instance=instance, call=call, prefix=ACTOR_PREFIX),
        }

    def get(self, request, *args, **kwargs):
        activity = self.get_activity()
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        stashed = pop_stash(request)
        if stashed is not None:
            # The session expired while typing: give the text back, unsaved.
            data = QueryDict(mutable=True)
            for key, values in stashed.items():
                data.setlist(key, values)
            messages.warning(
                request,
                _("We kept what you typed when your session expired. It is not saved yet: check it and press Save."),
            )
            return self.show(activity, self.get_forms(activity, data), version=int(data.get("version", 0) or 0))
        version = section_version(application=self.application, section=self.section)
        return self.show(activity, self.get_forms(activity), version=version)

    def post(self, request, *args, **kwargs):
        activity = self.get_activity()
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        expected = posted_version(request, missing=-1)
        if "add_actor_row" in request.POST:
            # Without JavaScript: show one more blank actor row; nothing is saved yet.
            forms = self.get_forms(activity, with_added_row(request.POST, ACTOR_PREFIX))
            without_errors(*forms.values())
            return self.show(activity, forms, version=expected)
        forms = self.get_forms(activity, request.POST)
        if not all(item.is_valid() for item in forms.values()):
            return self.show(activity, forms, version=expected, status=422)
        form = forms["form"]
        try:
            saved = activity_save(
                application=self.application,
                by=request.user,
                expected_version=expected,
                activity=activity,
                fields={name: form.cleaned_data[name] for name in form._meta.fields},
                actors=forms["formset"].rows(),
            )
        except VersionConflict as conflict:
            return self.show(activity, forms, version=expected, status=409, conflict=conflict.state)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.show(activity, forms, version=expected, status=422)
        messages.success(request, _("The activity “%(title)s” has been saved.") % {"title": saved.title})
        return redirect(self.section_url(saved))

    def show(self, activity, forms: dict, *, version: int, status: int = 200, **extra) -> HttpResponse:
        call = self.application.call
        return self.render_page(
            {
                "activity": activity,
                "version": version,
                "min_actors": call.activity_min_actors,
                "requires_company": call.activity_requires_company,
                "actor_helper": table_helper(),
                **forms,
                **extra,
            },
            status=status,
        )


class ActivityDeleteView(ActivityPageMixin, View):
    """Ask for confirmation (GET), then delete the activity and its actors (POST)."""

    def get(self, request, *args, **kwargs):
        activity = self.get_activity()
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        version = section_version(application=self.application, section=self.section)
        return self.render_page({"activity": activity, "deleting": True, "version": version})

    def post(self, request, *args, **kwargs):
        activity = self.get_activity()
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        expected = posted_version(request, missing=-1)
        try:
            activity_delete(application=self.application, by=request.user, expected_version=expected, activity=activity)
        except VersionConflict as conflict:
            context = {"activity": activity, "deleting": True, "version": expected, "conflict": conflict.state}
            return self.render_page(context, status=409)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.section_url())
        messages.success(request, _("The activity “%(title)s” has been deleted.") % {"title": activity.title})
        return redirect(self.section_url())


urlpatterns: list = [
    path("ansoegning/<int:pk>/aktiviteter/ny/", ActivityFormView.as_view(), name="activity_create"),
    path("ansoegning/<int:pk>/aktiviteter/<int:activity_pk>/", ActivityFormView.as_view(), name="activity_edit"),
    path(
        "ansoegning/<int:pk>/aktiviteter/<int:activity_pk>/slet/",
        ActivityDeleteView.as_view(),
        name="activity_delete",
    ),
    # applications/urls.py includes only this module's routes; the partner circle's ride along.
    *sections_partners.urlpatterns,
]
