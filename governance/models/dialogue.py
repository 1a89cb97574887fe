"""The status dialogue (styringsdialog) with UFM: meetings per organisation or group of organisations, their
agenda built from the data (a frozen snapshot), the minutes and the action items that come back on the next
meeting's agenda until closed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import Call, Organisation


class StatusMeeting(models.Model):
    """One status meeting: planned, then held (minutes written; the organisations see them)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    TRANSITIONS: dict[str, set[str]] = {Status.PLANNED: {Status.HELD}, Status.HELD: set()}

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="status_meetings")
    title = models.CharField(_("title"), max_length=200)
    meets_on = models.DateField(_("date of the meeting"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations"), related_name="status_meetings"
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants from the secretariat and UFM"),
        related_name="+",
        blank=True,
    )
    other_participants = models.TextField(_("other participants"), blank=True)
    agenda = models.JSONField(_("agenda"), null=True, blank=True)
    agenda_built_at = models.DateTimeField(_("agenda built"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    held_at = models.DateTimeField(_("minutes published"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("status meeting")
        verbose_name_plural = _("status meetings")
        ordering = ["-meets_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="planned") | (Q(held_at__isnull=False) & ~Q(minutes="")),
                name="held_meeting_has_minutes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.meets_on})"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", args=[self.pk])

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD


class ActionItem(models.Model):
    """An action agreed at a meeting: who does what by when; open until closed at a later meeting or page."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(
        StatusMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="action_items"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("owner"), max_length=200)
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="closed_action_item_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
