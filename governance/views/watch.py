"""The gold-label watch pages: an organisation's gold state with its labels and plans (register a new
certificate or plan), the certificate download, the call's list of gold states for staff, and a person's
reminder language. An organisation the user may not see answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from applications.models import Organisation
from applications.views.base import CallPermissionMixin
from clusterfund.views_base import PermissionObjectMixin, safe_next

from ..forms_watch import GoldLabelForm, GoldPlanForm, ReminderLanguageForm
from ..models import GoldLabel, Grant, ReminderLanguage
from ..rules import conflicted_application_ids
from ..selectors.watch import banners_for, gold_history, gold_state_labels, gold_status, gold_statuses, local_today
from ..services.watch import gold_label_register, gold_plan_register, reminder_language_set


class OrganisationMixin(PermissionObjectMixin):
    """Load `self.organisation` from the URL's `org`; 404 unless the user may see its gold state."""

    permission = "governance.view_gold"

    def get_permission_object(self):
        self.organisation = get_object_or_404(Organisation, pk=self.kwargs["org"])
        return self.organisation

    def has_permission(self) -> bool:
        return self.request.user.has_perm("governance.view_gold", self.organisation)

    def check_access(self, request):
        super().check_access(request)
        self.require(self.permission)
        return None


class GoldView(OrganisationMixin, View):
    """The organisation's gold state, its banners, its labels and plans, and the forms to register new ones."""

    def get(self, request, org, label_form=None, plan_form=None, status=200):
        organisation = self.organisation
        can_register = request.user.has_perm("governance.register_gold", organisation)
        labels, plans = gold_history(organisation=organisation)
        is_member = organisation.members.filter(pk=request.user.pk).exists()
        language = ReminderLanguage.objects.filter(user=request.user).values_list("language", flat=True).first()
        return render(
            request,
            "governance/watch/gold.html",
            {
                "organisation": organisation,
                "status": gold_status(organisation=organisation),
                "labels": labels,
                "plans": plans,
                "banners": banners_for(organisation_ids=[organisation.pk]),
                "can_register": can_register,
                "label_form": label_form or (GoldLabelForm() if can_register else None),
                "plan_form": plan_form or (GoldPlanForm() if can_register else None),
                "language_form": ReminderLanguageForm(initial={"language": language or "da"}) if is_member else None,
            },
            status=status,
        )


class GoldRegisterView(OrganisationMixin, View):
    """Register a new label with its certificate (POST)."""

    permission = "governance.register_gold"
    http_method_names = ["post"]

    def post(self, request, org):
        form = GoldLabelForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                gold_label_register(
                    organisation=self.organisation,
                    level=data["level"],
                    audited_on=data["audited_on"],
                    valid_until=data["valid_until"],
                    certificate=data["certificate"],
                    by=request.user,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("The new label is registered."))
                return redirect("governance:gold", org=self.organisation.pk)
        return GoldView.get(self, request, org, label_form=form, status=422)


class GoldPlanView(OrganisationMixin, View):
    """Register a plan to become gold (POST)."""

    permission = "governance.register_gold"
    http_method_names = ["post"]

    def post(self, request, org):
        form = GoldPlanForm(request.POST)
        if form.is_valid():
            gold_plan_register(
                organisation=self.organisation,
                target_date=form.cleaned_data["target_date"],
                summary=form.cleaned_data["summary"],
                by=request.user,
            )
            messages.success(request, _("The plan to become gold is registered."))
            return redirect("governance:gold", org=self.organisation.pk)
        return GoldView.get(self, request, org, plan_form=form, status=422)


class GoldCertificateView(OrganisationMixin, View):
    """Download a label's certificate (only through this view; the file lies outside static/)."""

    def get(self, request, org, pk):
        label = GoldLabel.objects.filter(organisation=self.organisation, pk=pk).exclude(file="").first()
        if label is None:
            raise Http404
        try:
            handle = label.file.open("rb")
        except (FileNotFoundError, ValueError) as missing:
            raise Http404 from missing
        return FileResponse(handle, as_attachment=True, filename=label.original_name, content_type="application/pdf")


class GoldLabelsView(CallPermissionMixin, View):
    """The gold state of every organisation with a grant in the call (staff); 'condition not met' stands out."""

    permission = "governance.view_gold_labels"

    def get(self, request, slug):
        conflicted = conflicted_application_ids(request.user)
        grants = list(
            Grant.objects.filter(call=self.call)
            .exclude(application_id__in=conflicted)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        statuses = gold_statuses(organisation_ids=[grant.organisation_id for grant in grants])
        rows = [(grant.organisation, statuses[grant.organisation_id]) for grant in grants]
        return render(
            request,
            "governance/watch/labels.html",
            {
                "call": self.call,
                "rows": rows,
                "not_met": sum(1 for _org, status in rows if not status.condition_met),
                "today": local_today(),
                "state_labels": gold_state_labels(),
            },
        )


class ReminderLanguageView(PermissionObjectMixin, View):
    """The person chooses the language of their reminders (POST)."""

    http_method_names = ["post"]
    unhandled_method_first = True

    def post(self, request):
        form = ReminderLanguageForm(request.POST)
        if form.is_valid():
            reminder_language_set(user=request.user, language=form.cleaned_data["language"])
            messages.success(request, _("Your reminders will come in the language you chose."))
        else:
            messages.error(request, _("Choose Danish or English."))
        return redirect(safe_next(request, request.POST.get("next", "")) or "/")


urlpatterns = [
    path("styring/organisation/<int:org>/guldmaerke/", GoldView.as_view(), name="gold"),
    path("styring/organisation/<int:org>/guldmaerke/nyt/", GoldRegisterView.as_view(), name="gold_register"),
    path("styring/organisation/<int:org>/guldmaerke/plan/", GoldPlanView.as_view(), name="gold_plan"),
    path(
        "styring/organisation/<int:org>/guldmaerke/<int:pk>/certifikat/",
        GoldCertificateView.as_view(),
        name="gold_certificate",
    ),
    path("styring/opslag/<slug:slug>/guldmaerker/", GoldLabelsView.as_view(), name="gold_labels"),
    path("styring/paamindelser/sprog/", ReminderLanguageView.as_view(), name="reminder_language"),
]
