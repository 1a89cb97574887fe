"""The project's own models: the user (e-mail login), the append-only audit log, generated documents and
the outbox of background tasks."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EMAIL_TAKEN = _(
    "An account with this e-mail address already exists. Upper and lower case count as the same: "
    "one e-mail address, one account."
)


def email_key(email: str | None) -> str:
    """Return the form in which an e-mail address is stored and compared: trimmed and lower-case.

    One address is one account however it is typed, so every form, login and service compares this form.
    """
    return BaseUserManager.normalize_email((email or "").strip()).lower()


def axes_username(request, credentials: dict | None = None) -> str:
    """Return the login name django-axes counts failures against: the e-mail address as stored.

    Without it, typing the same address in another case would start a fresh count and dodge the lockout.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials is not None:
        return email_key(credentials.get(field))
    return email_key(getattr(request, "POST", {}).get(field))


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=email_key(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        """Return a new ordinary user."""
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        """Return a new superuser (for `createsuperuser`)."""
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        """Return the user whose e-mail address is `username` in any case (the login form's look-up)."""
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": email_key(username)})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin access"), default=False, help_text=_("May log in to the administration site.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            # One person, one account: "Karen@X.dk" cannot be stored beside "karen@x.dk", whatever the path.
            models.UniqueConstraint(Lower("email"), name="user_email_lower_unique", violation_error_message=EMAIL_TAKEN)
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self):
        """Store the e-mail address lower-case; refuse it on the e-mail field when another account has it."""
        super().clean()
        self.email = email_key(self.email)
        if self.email and User.objects.filter(email__iexact=self.email).exclude(pk=self.pk).exists():
            raise ValidationError({"email": ValidationError(EMAIL_TAKEN, code="email_taken")})

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Audit events cannot be changed.")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def for_object(self, obj) -> "AuditEventQuerySet":
        """Return the events about one object, newest first."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
        ).order_by("-at", "-pk")


class AuditEvent(models.Model):
    """One thing that happened: who did what to which object, with the state before and after.

    Written only through `clusterfund.services.audit_record`; never changed, never deleted (the model,
    its queryset and the admin refuse; on PostgreSQL a trigger refuses too).
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, blank=True, on_delete=models.PROTECT
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")


# --- Generated documents (PDF memos, dossiers) ---------------------------------------------------


def generated_document_path(instance: "GeneratedDocument", filename: str) -> str:
    """Store each version under its kind and subject, with a name that says which version it is."""
    return f"documents/{instance.kind}/{instance.content_type_id}-{instance.object_id}/{filename}"


class GeneratedDocument(models.Model):
    """One version of a generated document (a memo, a dossier) about one subject (a call, a proposal ...).

    The version is rendered from `snapshot`, the data as it was when someone asked for it, so an old
    version can be explained (and re-rendered) after the data changed. Kinds are registered in
    `clusterfund.documents`; the file lives in the default storage, outside static/, and is served only
    through a permission-checked view.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RENDERING = "rendering", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.SlugField(_("kind"), max_length=40)
    content_type = models.ForeignKey(ContentType, verbose_name=_("subject type"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("subject id"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(_("error"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="da")
    title = models.CharField(_("title"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    # when the render was last handed to the workers: at the request, and again at each retry
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=generated_document_path, blank=True, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    snapshot = models.JSONField(_("data rendered"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["kind", "content_type", "object_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "version"], name="one_document_version_per_subject"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="document_version_positive"),
            models.CheckConstraint(
                condition=~models.Q(status="done") | (~models.Q(file="") & ~models.Q(sha256="")),
                name="done_document_has_file",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="document_subject_idx")]

    def __str__(self) -> str:
        return f"{self.title or self.kind} v{self.version}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_stalled(self) -> bool:
        """Waiting or rendering for longer than any render takes (DOCUMENT_STALLED_AFTER): its worker died.

        The broker hands the message out again after its visibility timeout (an hour); until then the
        secretariat may queue it again from the page (`document_retry`)."""
        return not self.is_finished and self.queued_at < timezone.now() - settings.DOCUMENT_STALLED_AFTER


class OutboxMessage(models.Model):
    """A background task the portal owes someone (a receipt, an e-mail, a memo render), stored in the same
    transaction as the change that calls for it.

    `clusterfund.outbox` hands the row to the Celery broker after the commit and marks it sent; the task
    marks it done when it has run. A broker that is down only delays the row: the next drain (the
    periodic task, `manage.py outbox_drain`) sends it.
    """

    task = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("handed to the queue"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(done_at__isnull=True), name="outbox_not_done_idx")
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"

    @property
    def task_id(self) -> str:
        """The Celery task id every delivery of this row carries: the task finds its row by it."""
        return f"outbox-{self.pk}"
