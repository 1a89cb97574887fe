"""The joint assessment: consensus scores, the requirement verdict, the recommendation and the two
sides' confirmations."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from clusterfund.fields import posted_int

from ..forms import JointVerdictForm, ScoreForm
from ..models import JointAssessment, Side
from ..scoring import formula_text, points_formula_text, weighted_totals
from ..selectors.checks import requirement_checks_of
from ..selectors.scores import scores_by_criterion
from ..services import REVIEWABLE_STATUSES, JointChanged, joint_confirm, joint_missing, joint_save
from .application import error_summary
from .base import ApplicationPermissionMixin


def _joint_of(application) -> JointAssessment | None:
    return (
        JointAssessment.objects.filter(application=application)
        .select_related("secretariat_confirmed_by", "ufm_confirmed_by", "updated_by")
        .first()
    )


class JointView(ApplicationPermissionMixin, View):
    permission = "review.view_joint"

    def check_access(self, request):
        if not request.user.has_perm(self.permission, self.application):
            if self.own is not None:
                messages.info(request, _("The joint assessment opens when you have submitted your own review."))
                return redirect("review:review", pk=self.application.pk)
            raise Http404
        return None

    @property
    def can_edit(self) -> bool:
        return (
            self.request.user.has_perm("review.edit_joint", self.application)
            and self.application.status in REVIEWABLE_STATUSES
        )

    def get_forms(self, joint, data=None):
        consensus = {s.criterion_id: s for s in joint.scores.all()} if joint else {}
        score_forms = []
        for criterion in self.call.criteria.all():
            saved = consensus.get(criterion.pk)
            initial = {"value": saved.value, "justification": saved.justification} if saved else {}
            score_forms.append(
                ScoreForm(data, prefix=f"crit-{criterion.pk}", criterion=criterion, consensus=True, initial=initial)
            )
        verdict = JointVerdictForm(data, initial=JointVerdictForm.initial_for(joint))
        return score_forms, verdict

    def render_page(self, joint, score_forms, verdict_form, *, status=200, errors=()):
        application = self.application
        rows = scores_by_criterion(application=application, viewer=self.request.user, include_others=True)
        criteria = [row.criterion for row in rows]
        consensus = {row.criterion.pk: row.consensus.value for row in rows if row.consensus}
        can_edit = self.can_edit
        missing = joint_missing(joint) if joint else []
        own_side = self.own.side if self.own else None
        checks = requirement_checks_of(application=application, viewer=self.request.user, include_others=True)
        confirmations = [
            (side, joint.confirmed_by(side) if joint else None, getattr(joint, f"{side.value}_confirmed_at", None))
            for side in Side
        ]
        return render(
            self.request,
            "review/joint.html",
            {
                "application": application,
                "call": self.call,
                "joint": joint,
                "rows": list(zip(rows, score_forms, strict=True)),
                "verdict_form": verdict_form,
                "requirement_rows": [(r, checks.get(r.pk, [])) for r in self.call.requirements.all()],
                "assignment": self.own,
                "totals": weighted_totals(criteria, consensus),
                "formula": formula_text(criteria),
                "points_formula": points_formula_text(criteria),
                "can_edit": can_edit,
                "missing": missing,
                "confirmations": confirmations,
                "own_side": own_side,
                "can_confirm": can_edit
                and joint is not None
                and not missing
                and own_side is not None
                and joint.confirmed_by(own_side) is None,
                "errors": errors,
            },
            status=status,
        )

    def get(self, request, pk):
        joint = _joint_of(self.application)
        return self.render_page(joint, *self.get_forms(joint))

    def post(self, request, pk):
        if not self.can_edit:
            raise Http404
        joint = _joint_of(self.application)
        score_forms, verdict_form = self.get_forms(joint, request.POST)
        forms = [*score_forms, verdict_form]
        if not all(form.is_valid() for form in forms):
            return self.render_page(joint, score_forms, verdict_form, status=422, errors=error_summary(forms))
        try:
            joint_save(
                application=self.application,
                by=request.user,
                expected_version=verdict_form.cleaned_data["version"],
                scores=[i for f in score_forms if (i := f.as_input())],
                eligible=verdict_form.eligible_value,
                eligibility_reasons=verdict_form.cleaned_data["eligibility_reasons"],
                recommendation=verdict_form.cleaned_data["recommendation"],
            )
        except PermissionDenied as denied:
            raise Http404 from denied
        except JointChanged as changed:
            # Keep what this reviewer typed, but let a second save knowingly overwrite the colleague's version.
            joint = _joint_of(self.application)
            data = request.POST.copy()
            data["version"] = str(joint.version if joint else 0)
            score_forms, verdict_form = self.get_forms(joint, data)
            for form in [*score_forms, verdict_form]:
                form.is_valid()
            return self.render_page(joint, score_forms, verdict_form, status=409, errors=[("", changed.messages[0])])
        except ValidationError as error:
            return self.render_page(
                joint, score_forms, verdict_form, status=422, errors=[("", message) for message in error.messages]
            )
        messages.success(request, _("The joint assessment has been saved."))
        return redirect("review:joint", pk=pk)


class JointConfirmView(ApplicationPermissionMixin, View):
    permission = "review.edit_joint"

    def post(self, request, pk):
        version = posted_int(request, "version")
        try:
            joint = joint_confirm(application=self.application, by=request.user, expected_version=version)
        except PermissionDenied as denied:
            raise Http404 from denied
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if joint.is_agreed:
                messages.success(request, _("Both sides have confirmed: the joint assessment is agreed."))
            else:
                messages.success(request, _("You have confirmed the joint assessment for your side."))
        return redirect("review:joint", pk=pk)
