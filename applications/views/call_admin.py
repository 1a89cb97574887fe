"""The staff's call configuration: the list of calls, a call's settings and its lists (business areas,
requirements, criteria and weights, activity types, the timeline). The budget frames have their page in
allocation (linked from these pages). Writes go through `applications.services_call`."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from clusterfund.views_staff import StaffPermissionMixin

from ..forms_call import (
    ActivityTypeForm,
    AreaForm,
    CallForm,
    CriterionForm,
    MilestoneForm,
    RequirementForm,
    part_formset,
)
from ..forms_lists import table_helper
from ..models import Call
from ..services_call import PART_KINDS, call_create, call_parts_save, call_update
from .base import CallPermissionMixin

PERMISSION = "applications.configure_call"


def error_list(error: ValidationError) -> list[dict]:
    """Return a service's ValidationError as the error summary's items."""
    return [{"message": message} for message in error.messages]


class ConfigureCallsMixin(StaffPermissionMixin):
    """Pages about calls in general: 403 for a logged-in user who does not configure calls."""

    permission = PERMISSION


class CallAdminListView(ConfigureCallsMixin, View):
    """Every call, newest first, with how much of it is configured."""

    def get(self, request):
        calls = Call.objects.annotate(application_count=Count("applications")).order_by("-opens_at", "pk")
        return render(request, "applications/call_admin/list.html", {"calls": calls})


class CallCreateView(ConfigureCallsMixin, View):
    def get(self, request):
        return render(request, "applications/call_admin/call_form.html", {"form": CallForm(), "call": None})

    def post(self, request):
        form = CallForm(request.POST)
        if not form.is_valid():
            return render(request, "applications/call_admin/call_form.html", {"form": form, "call": None}, status=422)
        try:
            call = call_create(values=form.cleaned_data, by=request.user)
        except ValidationError as error:
            context = {"form": form, "call": None, "errors": error_list(error)}
            return render(request, "applications/call_admin/call_form.html", context, status=422)
        messages.success(request, _("The call is created. Now add its areas, requirements and criteria."))
        return redirect("applications:call_admin_edit", slug=call.slug)


class CallEditView(CallPermissionMixin, View):
    """The call's own settings: titles, period, opening and deadline (Danish time), texts, rules."""

    permission = PERMISSION

    def render_page(self, form, *, status=200, errors=()):
        context = {"form": form, "call": self.call, "current": "settings", "errors": errors}
        return render(self.request, "applications/call_admin/call_form.html", context, status=status)

    def get(self, request, slug):
        return self.render_page(CallForm(instance=self.call))

    def post(self, request, slug):
        stored = Call.objects.get(pk=self.call.pk)
        form = CallForm(request.POST, instance=self.call)
        if not form.is_valid():
            self.call = stored  # the form changed its instance in place; the page's headings show the stored call
            return self.render_page(form, status=422)
        try:
            changed = call_update(call=stored, values=form.cleaned_data, by=request.user)
        except ValidationError as error:
            self.call = stored
            return self.render_page(form, status=422, errors=error_list(error))
        if changed:
            messages.success(request, _("The call's settings are saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("applications:call_admin_edit", slug=form.cleaned_data["slug"])


@dataclass(frozen=True)
class PartPage:
    """How one of the call's lists is shown: its form, its title and whether the rows sit in a table."""

    kind: str
    form: type
    title: str
    intro: str
    table: bool
    url_name: str


PART_PAGES = {
    page.kind: page
    for page in (
        PartPage(
            "areas",
            AreaForm,
            gettext_lazy("Business areas"),
            gettext_lazy("The business and technology areas; one cluster organisation is designated per area."),
            True,
            "call_admin_areas",
        ),
        PartPage(
            "requirements",
            RequirementForm,
            gettext_lazy("Requirements"),
            gettext_lazy("The requirements every applicant must meet. The code links a requirement to its evidence."),
            False,
            "call_admin_requirements",
        ),
        PartPage(
            "criteria",
            CriterionForm,
            gettext_lazy("Criteria and weights"),
            gettext_lazy("The criteria the reviewers score, each with its weight and scale."),
            False,
            "call_admin_criteria",
        ),
        PartPage(
            "activity_types",
            ActivityTypeForm,
            gettext_lazy("Activity types"),
            gettext_lazy("The kinds of activity the board's funds support."),
            True,
            "call_admin_activity_types",
        ),
        PartPage(
            "milestones",
            MilestoneForm,
            gettext_lazy("Timeline"),
            gettext_lazy("The call's milestones, shown on its public page in date order."),
            True,
            "call_admin_milestones",
        ),
    )
}


def formset_rows(formset, fields) -> list[dict]:
    """Return the formset's filled-in rows for `call_parts_save` (empty new rows are left out)."""
    rows = []
    for number, form in enumerate(formset.forms, start=1):
        data = getattr(form, "cleaned_data", None) or {}
        pk = form.instance.pk
        if not data or (pk is None and not form.has_changed()):
            continue
        row = {"pk": pk, "delete": bool(data.get("DELETE")), "number": number}
        row |= {name: data[name] for name in fields if name in data}
        rows.append(row)
    return rows


class CallPartsView(CallPermissionMixin, View):
    """One of the call's lists as a formset: change rows, fill in the empty row to add one, tick to delete."""

    permission = PERMISSION
    kind: str = ""

    @property
    def page(self) -> PartPage:
        return PART_PAGES[self.kind]

    def formset(self, data=None):
        model = PART_KINDS[self.kind].model
        formset_class = part_formset(self.page.form)
        return formset_class(data, queryset=model.objects.filter(call=self.call), prefix=self.kind)

    def render_page(self, formset, *, status=200, errors=()):
        context = {
            "call": self.call,
            "page": self.page,
            "formset": formset,
            "helper": table_helper(),
            "current": self.kind,
            "errors": errors,
        }
        if self.kind == "criteria":
            context["weight_total"] = sum(self.call.criteria.values_list("weight", flat=True))
        return render(self.request, "applications/call_admin/parts.html", context, status=status)

    def get(self, request, slug):
        return self.render_page(self.formset())

    def post(self, request, slug):
        formset = self.formset(request.POST)
        if not formset.is_valid():
            return self.render_page(formset, status=422)
        try:
            count = call_parts_save(
                call=self.call,
                kind=self.kind,
                rows=formset_rows(formset, PART_KINDS[self.kind].fields),
                by=request.user,
            )
        except ValidationError as error:
            return self.render_page(formset, status=422, errors=error_list(error))
        if count:
            messages.success(request, _("%(title)s: the changes are saved.") % {"title": self.page.title})
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect(f"applications:{self.page.url_name}", slug=self.call.slug)


def parts_view(kind: str):
    return CallPartsView.as_view(kind=kind)


urlpatterns: list = [
    path("administration/opslag/", CallAdminListView.as_view(), name="call_admin_list"),
    path("administration/opslag/nyt/", CallCreateView.as_view(), name="call_admin_create"),
    path("administration/opslag/<slug:slug>/", CallEditView.as_view(), name="call_admin_edit"),
    path("administration/opslag/<slug:slug>/omraader/", parts_view("areas"), name="call_admin_areas"),
    path("administration/opslag/<slug:slug>/krav/", parts_view("requirements"), name="call_admin_requirements"),
    path("administration/opslag/<slug:slug>/kriterier/", parts_view("criteria"), name="call_admin_criteria"),
    path(
        "administration/opslag/<slug:slug>/aktivitetstyper/",
        parts_view("activity_types"),
        name="call_admin_activity_types",
    ),
    path("administration/opslag/<slug:slug>/tidsplan/", parts_view("milestones"), name="call_admin_milestones"),
]
