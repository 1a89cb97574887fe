"""Review of submitted applications: assignments, conflict declarations, requirement checks, scores and
the joint (consensus) assessment agreed between the secretariat and UFM.

Weighted totals are never stored: they are derived from the criteria's current weights (see
`review.scoring`), so a changed weight can never leave a stale total behind.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Criterion, Requirement


class Side(models.TextChoices):
    """Which of the two parties behind the call a reviewer speaks for."""

    SECRETARIAT = "secretariat", _("Secretariat")
    UFM = "ufm", _("UFM")


class AssignmentState:
    """What an assignment's status and conflict say: shared by the model and the selectors' plain rows."""

    __slots__ = ()

    @property
    def is_conflicted(self) -> bool:
        return self.conflict == Assignment.Conflict.DECLARED

    @property
    def is_declared(self) -> bool:
        return bool(self.conflict)

    @property
    def is_submitted(self) -> bool:
        return self.status == Assignment.Status.SUBMITTED


class Assignment(AssignmentState, models.Model):
    """One reviewer's review of one application: status, conflict declaration, checks and scores."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    class Conflict(models.TextChoices):
        # blank = not declared yet: the application does not open until the reviewer declares.
        NONE = "none", _("No conflict of interest")
        DECLARED = "declared", _("Conflict of interest declared")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    conflict = models.CharField(_("conflict of interest"), max_length=10, choices=Conflict.choices, blank=True)
    conflict_note = models.TextField(_("note on the conflict of interest"), blank=True)
    conflict_declared_at = models.DateTimeField(_("declared"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["application_id", "side", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_assignment_per_reviewer"),
            models.CheckConstraint(
                condition=~Q(conflict="declared") | ~Q(conflict_note=""), name="declared_conflict_has_note"
            ),
            models.CheckConstraint(
                condition=Q(conflict="") | Q(conflict_declared_at__isnull=False), name="conflict_declaration_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False), name="submitted_review_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} – {self.application}"


class Verdict(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NEEDS_CLARIFICATION = "needs_clarification", _("Needs clarification")


class RequirementCheck(models.Model):
    """A reviewer's verdict on one of the call's requirements for the application under review."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="requirement_checks")
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("requirement check")
        verbose_name_plural = _("requirement checks")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "requirement"], name="one_check_per_requirement"),
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code}: {self.verdict}"


class Score(models.Model):
    """A reviewer's score for one criterion, on the criterion's scale, with a written justification.

    The scale's bounds are per criterion, so the service checks them; the database keeps what it can
    (no negative scores, one score per criterion).
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(_("score"))
    justification = models.TextField(_("justification"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_not_negative"),
            models.CheckConstraint(condition=~Q(justification=""), name="score_has_justification"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.short_name}: {self.value}"


class JointAssessment(models.Model):
    """The secretariat's and UFM's common assessment of one application.

    It counts as agreed when one secretariat reviewer and one UFM reviewer have confirmed it; any change
    afterwards withdraws both confirmations. `version` grows with every change, so a confirmation always
    refers to the content the reviewer saw.
    """

    class Recommendation(models.TextChoices):
        RECOMMEND = "recommend", _("Recommend")
        DO_NOT_RECOMMEND = "do_not_recommend", _("Do not recommend")

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="joint_assessment"
    )
    eligible = models.BooleanField(_("meets the requirements"), null=True, blank=True)
    eligibility_reasons = models.TextField(_("reasons"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    secretariat_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed for the secretariat by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    secretariat_confirmed_at = models.DateTimeField(_("confirmed for the secretariat"), null=True, blank=True)
    ufm_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed for UFM by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ufm_confirmed_at = models.DateTimeField(_("confirmed for UFM"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint assessment")
        verbose_name_plural = _("joint assessments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(eligible=False) | ~Q(eligibility_reasons=""), name="ineligible_has_reasons"
            ),
            models.CheckConstraint(
                condition=Q(secretariat_confirmed_by__isnull=True) | Q(secretariat_confirmed_at__isnull=False),
                name="secretariat_confirmation_has_time",
            ),
            models.CheckConstraint(
                condition=Q(ufm_confirmed_by__isnull=True) | Q(ufm_confirmed_at__isnull=False),
                name="ufm_confirmation_has_time",
            ),
        ]

    def __str__(self) -> str:
        return str(self.application)

    @property
    def is_agreed(self) -> bool:
        """Return True when both sides have confirmed the current content."""
        return bool(self.secretariat_confirmed_by_id and self.ufm_confirmed_by_id)

    def confirmed_by(self, side: str):
        return self.secretariat_confirmed_by if side == Side.SECRETARIAT else self.ufm_confirmed_by


class JointScore(models.Model):
    """The agreed (consensus) score for one criterion, with the justification both sides stand behind."""

    joint = models.ForeignKey(JointAssessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(_("consensus score"))
    justification = models.TextField(_("justification"))

    class Meta:
        verbose_name = _("consensus score")
        verbose_name_plural = _("consensus scores")
        constraints = [
            models.UniqueConstraint(fields=["joint", "criterion"], name="one_consensus_per_criterion"),
            models.CheckConstraint(condition=Q(value__gte=0), name="consensus_not_negative"),
            models.CheckConstraint(condition=~Q(justification=""), name="consensus_has_justification"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.short_name}: {self.value}"
