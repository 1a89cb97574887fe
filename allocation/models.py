"""The minister's selections, the UFM grants, and the sub-committee's allocation proposals with their approvals.

The budget frames themselves are `applications.models.BudgetFrame`; this app edits them (until an allocation
is approved) and checks each year's sum against them.

An approved proposal is locked: its rows refuse to be saved or deleted (`LockedError`), whatever the path
(service, view or admin); the services also refuse first, with a message people can read. Below both, the
database refuses too (triggers of migration 0002, on PostgreSQL and SQLite: queryset `update()`/`delete()`
and raw SQL included), and bumps a submitted proposal's revision whenever its amounts change, so the members'
approvals of other amounts stop counting (see allocation/database_lock.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import Application, BusinessArea, Call


class LockedError(Exception):
    """Raised on any attempt to change or delete a row that an approved allocation has locked."""


def application_is_locked(application_id) -> bool:
    """Return whether an approved proposal allocates to the application (its selection is then fixed)."""
    return ProposalAmount.objects.filter(application_id__in=_ids(application_id), proposal__status="approved").exists()


def _ids(value):
    return value if hasattr(value, "query") else [value]


class Selection(models.Model):
    """The minister's decision on one application: selected or not, with date, case number and a note.

    `call` and `business_area` repeat the application's, so the database itself can keep at most one
    selected organisation per area (a partial unique constraint).
    """

    class Decision(models.TextChoices):
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="selection"
    )
    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="selections")
    business_area = models.ForeignKey(
        BusinessArea,
        verbose_name=_("business area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="selections",
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    decision_date = models.DateField(_("decision date"))
    case_number = models.CharField(_("case number"), max_length=50)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)
    # The decision the applicant was last told about: one notification per decision, not per save.
    notified_decision = models.CharField(_("applicant notified of"), max_length=20, blank=True)
    notified_at = models.DateTimeField(_("applicant notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("selection")
        verbose_name_plural = _("selections")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "business_area"],
                condition=Q(decision="selected"),
                name="one_selected_per_area",
            ),
            models.CheckConstraint(condition=~Q(case_number=""), name="selection_has_case_number"),
        ]

    def __str__(self) -> str:
        return f"{self.application.organisation} – {self.get_decision_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding and application_is_locked(self.application_id):
            raise LockedError("A selection behind an approved allocation cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if application_is_locked(self.application_id):
            raise LockedError("A selection behind an approved allocation cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_selected(self) -> bool:
        return self.decision == self.Decision.SELECTED


class SelectionGrant(models.Model):
    """The UFM grant to a selected organisation for one year, in whole kroner."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="grants")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.PositiveBigIntegerField(_("UFM grant (kr.)"))

    class Meta:
        verbose_name = _("UFM grant")
        verbose_name_plural = _("UFM grants")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["selection", "year"], name="one_grant_per_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="grant_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"

    def save(self, *args, **kwargs):
        if application_is_locked(Selection.objects.filter(pk=self.selection_id).values("application_id")):
            raise LockedError("A UFM grant behind an approved allocation cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if application_is_locked(Selection.objects.filter(pk=self.selection_id).values("application_id")):
            raise LockedError("A UFM grant behind an approved allocation cannot be deleted.")
        return super().delete(*args, **kwargs)


class Proposal(models.Model):
    """One version of the split of the board's frame among the selected organisations, year by year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to the sub-committee")
        APPROVED = "approved", _("Approved")

    # The one map of allowed status changes; `proposal_transition` in the services checks against it.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.DRAFT, Status.APPROVED},
        Status.APPROVED: set(),
    }

    class Method(models.TextChoices):
        EQUAL = "equal", _("Equal split")
        UFM_GRANT = "ufm_grant", _("In proportion to the UFM grant")
        JOINT_SCORE = "joint_score", _("In proportion to the joint weighted score")
        MANUAL = "manual", _("By hand")

    class Unit(models.IntegerChoices):
        KRONE = 1, _("1 kr.")
        THOUSAND = 1_000, _("1.000 kr.")
        HUNDRED_THOUSAND = 100_000, _("100.000 kr.")

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="proposals")
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    method = models.CharField(_("filled by"), max_length=20, choices=Method.choices, default=Method.MANUAL)
    unit = models.PositiveIntegerField(_("rounding unit"), choices=Unit.choices, default=Unit.THOUSAND)
    bounds = models.JSONField(
        _("minimum and maximum per organisation"),
        default=dict,
        blank=True,
        help_text=_("Application id -> [minimum, maximum] in kroner, as given to the helper."),
    )
    based_on = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Grows with every change of the amounts: an approval counts only for the revision the member saw,
    # and a grid saved from a stale page is refused.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("allocation proposal")
        verbose_name_plural = _("allocation proposals")
        ordering = ["call", "number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="one_proposal_number_per_call"),
            models.CheckConstraint(
                condition=~Q(status="approved") | (Q(approved_at__isnull=False) & Q(approved_by__isnull=False)),
                name="approved_proposal_has_approver",
            ),
            models.CheckConstraint(condition=Q(unit__gt=0), name="proposal_unit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def save(self, *args, **kwargs):
        locked = getattr(self, "_locked_in_db", None)
        if locked is None and not self._state.adding:
            locked = _proposal_locked(self.pk)  # loaded without its status: ask the database
        if locked:
            raise LockedError("An approved allocation cannot be changed; make a new version.")
        super().save(*args, **kwargs)
        self._locked_in_db = self.status == self.Status.APPROVED

    def get_absolute_url(self) -> str:
        return reverse("allocation:proposal", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self.is_locked or getattr(self, "_locked_in_db", False):
            raise LockedError("An approved allocation cannot be deleted.")
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if "status" in field_names:
            instance._locked_in_db = instance.status == cls.Status.APPROVED
        return instance

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED


def _proposal_locked(proposal_id) -> bool:
    return Proposal.objects.filter(pk=proposal_id, status=Proposal.Status.APPROVED).exists()


class ProposalAmount(models.Model):
    """The board's amount to one selected organisation in one year of a proposal, in whole kroner."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="amounts")
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="proposal_amounts"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.PositiveBigIntegerField(_("amount (kr.)"), default=0)

    class Meta:
        verbose_name = _("proposed amount")
        verbose_name_plural = _("proposed amounts")
        ordering = ["proposal", "application", "year"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "application", "year"], name="one_amount_per_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="proposal_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"

    def save(self, *args, **kwargs):
        if _proposal_locked(self.proposal_id):
            raise LockedError("The amounts of an approved allocation cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _proposal_locked(self.proposal_id):
            raise LockedError("The amounts of an approved allocation cannot be deleted.")
        return super().delete(*args, **kwargs)


class ProposalApproval(models.Model):
    """A sub-committee member's approval of (or comment on) one revision of a proposal; the chair's final
    approval, which locks the proposal, is one too (`as_chair`)."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        COMMENT = "comment", _("Comment")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="approvals")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    revision = models.PositiveIntegerField(_("revision"))
    as_chair = models.BooleanField(_("the chair's approval"), default=False)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(decision="comment") | ~Q(comment=""), name="comment_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.get_decision_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding and _proposal_locked(self.proposal_id):
            raise LockedError("The approvals of an approved allocation cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _proposal_locked(self.proposal_id):
            raise LockedError("The approvals of an approved allocation cannot be deleted.")
        return super().delete(*args, **kwargs)
