"""Calls (opslag) and their configuration, and the applicant organisations."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clusterfund.validators import validate_cvr


class Translated:
    """Mixin for configured content kept in Danish with an optional English text (`<field>_en`)."""

    def tr(self, field: str) -> str:
        """Return `field` in the active language, falling back to Danish."""
        if (get_language() or "da").startswith("en"):
            english = getattr(self, f"{field}_en", "")
            if english:
                return english
        return getattr(self, field)


class Region(models.TextChoices):
    HOVEDSTADEN = "hovedstaden", _("Capital Region of Denmark")
    SJAELLAND = "sjaelland", _("Region Zealand")
    SYDDANMARK = "syddanmark", _("Region of Southern Denmark")
    MIDTJYLLAND = "midtjylland", _("Central Denmark Region")
    NORDJYLLAND = "nordjylland", _("North Denmark Region")


class Funder(models.TextChoices):
    BOARD = "board", _("Danish Board of Business Development")
    UFM = "ufm", _("Ministry of Higher Education and Science")


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_at(self, moment):
        return self.published().filter(opens_at__lte=moment, deadline__gt=moment)


class Call(Translated, models.Model):
    """A joint call for cluster organisations (opslag), configured by staff in the admin."""

    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    period_start = models.PositiveSmallIntegerField(_("first year of the period"))
    period_end = models.PositiveSmallIntegerField(_("last year of the period"))
    opens_at = models.DateTimeField(_("opens"))
    deadline = models.DateTimeField(_("deadline"))
    is_published = models.BooleanField(_("published"), default=False)
    activity_min_actors = models.PositiveSmallIntegerField(
        _("minimum actors per activity"),
        default=2,
        help_text=_("An activity must involve at least this many actors in the cluster's ecosystem."),
    )
    activity_requires_company = models.BooleanField(_("an activity must involve a company"), default=True)
    max_attachments = models.PositiveSmallIntegerField(_("maximum number of attachments"), default=10)
    hide_scores_until_submitted = models.BooleanField(
        _("hide other reviewers' scores until one's own review is submitted"), default=True
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="call_period_ordered"),
            models.CheckConstraint(condition=Q(deadline__gt=F("opens_at")), name="call_deadline_after_opening"),
            models.CheckConstraint(condition=Q(activity_min_actors__gte=1), name="call_min_actors_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("applications:call_detail", args=[self.slug])

    @property
    def years(self) -> list[int]:
        """Return the calendar years of the call's period."""
        return list(range(self.period_start, self.period_end + 1))

    def is_open(self, moment=None) -> bool:
        """Return True if applications may be submitted at `moment` (default: now)."""
        moment = moment or timezone.now()
        return self.is_published and self.opens_at <= moment < self.deadline

    def phase(self, moment=None) -> str:
        """Return 'upcoming', 'open' or 'closed' for `moment` (default: now)."""
        moment = moment or timezone.now()
        if moment < self.opens_at:
            return "upcoming"
        return "open" if moment < self.deadline else "closed"


class CallPart(Translated, models.Model):
    """Common shape of the ordered parts of a call."""

    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class Milestone(CallPart):
    """A point on the call's timeline (announcement, deadline, designation, ...)."""

    class Precision(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month")
        EARLY_MONTH = "early_month", _("early in the month")

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    precision = models.CharField(_("precision"), max_length=12, choices=Precision.choices, default=Precision.DAY)

    class Meta(CallPart.Meta):
        verbose_name = _("milestone")
        verbose_name_plural = _("timeline")
        ordering = ["date", "order"]

    def __str__(self) -> str:
        return self.title


class BusinessArea(CallPart):
    """A business and technology area (erhvervs- og teknologiområde); one organisation is designated per area."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_emerging = models.BooleanField(
        _("emerging area"), default=False, help_text=_("An area open to emerging strongholds.")
    )

    class Meta(CallPart.Meta):
        verbose_name = _("business area")
        verbose_name_plural = _("business areas")
        constraints = [models.UniqueConstraint(fields=["call", "name"], name="area_name_unique_in_call")]

    def __str__(self) -> str:
        return self.name


class Requirement(CallPart):
    """One of the call's requirements (krav) that every applicant must meet."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="requirements")
    code = models.SlugField(_("code"), max_length=40)
    text = models.TextField(_("requirement"))
    text_en = models.TextField(_("requirement (English)"), blank=True)
    note = models.TextField(_("note"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)

    class Meta(CallPart.Meta):
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="requirement_code_unique_in_call")]

    def __str__(self) -> str:
        return self.text


class Criterion(CallPart):
    """A weighted assessment criterion (kriterium)."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=40, help_text=_("Used in tables and formulas."))
    short_name_en = models.CharField(_("short name (English)"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=25)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    max_chars = models.PositiveIntegerField(_("maximum characters in the applicant's text"), default=8000)
    asks_for_locations = models.BooleanField(
        _("asks for geographic presence"),
        default=False,
        help_text=_("The applicant lists headquarters, branches and co-locations under this criterion."),
    )

    class Meta(CallPart.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="criterion_code_unique_in_call"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(scale_max__gt=F("scale_min")), name="criterion_scale_valid"),
            models.CheckConstraint(condition=Q(max_chars__gt=0), name="criterion_max_chars_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class ActivityType(CallPart):
    """A kind of activity the board's funds support."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="activity_types")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta(CallPart.Meta):
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="activity_type_code_unique_in_call")]

    def __str__(self) -> str:
        return self.name


class BudgetFrame(models.Model):
    """What one funder sets aside for one year of the call, in whole kroner."""

    class Source(models.TextChoices):
        FINANCE_ACT = "finance_act", _("Finance act")
        STRUCTURAL_FUNDS = "structural_funds", _("EU structural funds")
        MINISTRY = "ministry", _("The ministry's appropriation")
        UNDECIDED = "undecided", _("Not yet decided")

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="frames")
    year = models.PositiveSmallIntegerField(_("year"))
    funder = models.CharField(_("funder"), max_length=10, choices=Funder.choices)
    amount = models.PositiveBigIntegerField(_("amount (kr.)"))
    source = models.CharField(_("funding source"), max_length=20, choices=Source.choices, default=Source.UNDECIDED)
    source_year = models.PositiveSmallIntegerField(
        _("finance act year"), null=True, blank=True, help_text=_("For funds from a finance act: which year's.")
    )
    is_conditional = models.BooleanField(
        _("conditional"), default=False, help_text=_("The year still depends on a finance act or programme.")
    )

    class Meta:
        verbose_name = _("budget frame")
        verbose_name_plural = _("budget frames")
        ordering = ["year", "funder"]
        constraints = [
            models.UniqueConstraint(fields=["call", "year", "funder"], name="frame_unique_per_year_and_funder"),
            models.CheckConstraint(
                condition=~Q(source="finance_act") | Q(source_year__isnull=False),
                name="frame_finance_act_has_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} {self.year} {self.get_funder_display()}"

    @property
    def source_label(self) -> str:
        """Return the funding source as people say it, e.g. 'Finanslov 2020'."""
        if self.source == self.Source.FINANCE_ACT and self.source_year:
            return f"{self.get_source_display()} {self.source_year}"
        return str(self.get_source_display())

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        call = getattr(self, "call", None)
        if call and not (call.period_start <= self.year <= call.period_end):
            raise ValidationError({"year": _("The year must lie within the call's period.")})


class Organisation(models.Model):
    """An applicant cluster organisation, identified by its CVR number."""

    class LegalForm(models.TextChoices):
        ASSOCIATION = "association", _("Association (forening)")
        FOUNDATION = "foundation", _("Commercial foundation (erhvervsdrivende fond)")
        COMPANY = "company", _("Company (ApS/A/S)")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    cvr = models.CharField(_("CVR number"), max_length=8, unique=True, validators=[validate_cvr])
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    is_non_profit = models.BooleanField(
        _("works on a non-profit basis"),
        default=False,
        help_text=_("The organisation declares that it works on a non-profit basis."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    website = models.URLField(_("website"), blank=True)
    virksomhedsguiden_url = models.URLField(_("listing on Virksomhedsguiden"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="organisations", blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- Applications -------------------------------------------------------------------------------


class ActorType(models.TextChoices):
    COMPANY = "company", _("Company")
    KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Knowledge institution")
    PUBLIC = "public", _("Public actor")
    OTHER = "other", _("Other")


class Application(models.Model):
    """An organisation's application to a call, drafted in sections and then submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        UNDER_REVIEW = "under_review", _("Under review")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")

    # The one map of allowed status changes; `application_transition` checks against it.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.WITHDRAWN, Status.UNDER_REVIEW},
        Status.WITHDRAWN: set(),
        Status.UNDER_REVIEW: {Status.SELECTED, Status.NOT_SELECTED},
        Status.SELECTED: {Status.NOT_SELECTED},
        Status.NOT_SELECTED: {Status.SELECTED},
    }

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    business_area = models.ForeignKey(
        BusinessArea,
        verbose_name=_("business area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content_sha256 = models.CharField(_("SHA-256 of the submitted content"), max_length=64, blank=True)
    submitted_content = models.JSONField(_("submitted content"), null=True, blank=True)
    receipt_pdf = models.FileField(_("receipt (PDF)"), upload_to="receipts/", blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    # requirement evidence (the call's requirement codes decide which of these are asked for)
    equity = models.BigIntegerField(_("equity (kr.)"), null=True, blank=True)
    turnover = models.BigIntegerField(_("turnover (kr.)"), null=True, blank=True)
    staff_count = models.PositiveIntegerField(_("staff (full-time equivalents)"), null=True, blank=True)

    class GoldStatus(models.TextChoices):
        GOLD = "gold", _("We hold the ECEI gold label")
        PLAN = "plan", _("We have a plan to reach the gold label")

    gold_status = models.CharField(_("gold label"), max_length=4, choices=GoldStatus.choices, blank=True)
    gold_awarded_on = models.DateField(_("gold label awarded"), null=True, blank=True)
    gold_expires_on = models.DateField(_("gold label expires"), null=True, blank=True)
    gold_target_date = models.DateField(_("gold label expected by"), null=True, blank=True)
    vg_listing_url = models.URLField(_("our services on Virksomhedsguiden (link)"), blank=True, max_length=500)
    vg_commitment = models.BooleanField(
        _("we commit to making our services available on Virksomhedsguiden"), default=False
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organisation"],
                condition=~Q(status="withdrawn"),
                name="one_live_application_per_organisation_and_call",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="submitted_application_has_time"
            ),
            models.CheckConstraint(
                condition=Q(gold_expires_on__isnull=True)
                | Q(gold_awarded_on__isnull=True)
                | Q(gold_expires_on__gt=F("gold_awarded_on")),
                name="gold_label_expires_after_award",
            ),
            models.CheckConstraint(condition=Q(equity__gte=-(10**13)) | Q(equity__isnull=True), name="equity_sane"),
            models.CheckConstraint(
                condition=Q(turnover__gte=0) | Q(turnover__isnull=True), name="turnover_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.call}"

    def get_absolute_url(self) -> str:
        return reverse("applications:overview", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class SectionState(models.Model):
    """The saved version of one section of an application, for optimistic locking and the step guide."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="section_states")
    section = models.CharField(_("section"), max_length=30)
    version = models.PositiveIntegerField(_("version"), default=0)
    saved_at = models.DateTimeField(_("saved"), null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("section state")
        constraints = [models.UniqueConstraint(fields=["application", "section"], name="one_state_per_section")]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.section} v{self.version}"


class RequirementAnswer(models.Model):
    """How the applicant meets one of the call's requirements (their own words)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="requirement_answers")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("how you meet the requirement"), blank=True)

    class Meta:
        verbose_name = _("requirement answer")
        constraints = [
            models.UniqueConstraint(fields=["application", "requirement"], name="one_answer_per_requirement")
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code}: {self.text[:40]}"


class BoardMember(models.Model):
    """A member of the applicant's board, with the kind of organisation they come from."""

    class Affiliation(models.TextChoices):
        COMPANY = "company", _("Company")
        KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Knowledge institution")
        OTHER = "other", _("Other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="board_members")
    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("affiliation"), max_length=30, choices=Affiliation.choices)
    employer = models.CharField(_("organisation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("board member")
        verbose_name_plural = _("board members")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class CriterionAnswer(models.Model):
    """The applicant's text for one criterion."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="criterion_answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("criterion text")
        constraints = [models.UniqueConstraint(fields=["application", "criterion"], name="one_text_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion.short_name}: {self.text[:40]}"


class Location(models.Model):
    """Where the organisation is present: headquarters, branches and co-locations (national reach)."""

    class Kind(models.TextChoices):
        HEADQUARTERS = "headquarters", _("Headquarters")
        BRANCH = "branch", _("Regional branch")
        CO_LOCATION = "co_location", _("Co-location with another actor")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="locations")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    host = models.CharField(_("co-located with"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.city}"


class Activity(models.Model):
    """An activity funded by the board's means; it involves at least the call's minimum of actors."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="activities")
    activity_type = models.ForeignKey(ActivityType, verbose_name=_("activity type"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    budget = models.PositiveBigIntegerField(_("budget (kr.)"))

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(last_year__gte=F("first_year")), name="activity_years_ordered")
        ]

    def __str__(self) -> str:
        return self.title


class ActivityActor(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="actors")
    name = models.CharField(_("name"), max_length=200)
    actor_type = models.CharField(_("type"), max_length=30, choices=ActorType.choices)

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """A member of the partner circle (partnerkreds)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    partner_type = models.CharField(_("type"), max_length=30, choices=ActorType.choices)
    role = models.CharField(_("role in the partner circle"), max_length=300)
    cvr = models.CharField(_("CVR number (optional)"), max_length=8, blank=True, validators=[validate_cvr])
    letter_of_intent = models.ForeignKey(
        "Attachment",
        verbose_name=_("letter of intent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """What the applicant asks for in one year, in whole kroner."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("year"))
    board_amount = models.PositiveBigIntegerField(_("from the board (kr.)"), default=0)
    ufm_amount = models.PositiveBigIntegerField(_("from UFM (kr.)"), default=0)
    cofinancing = models.PositiveBigIntegerField(_("co-financing (kr.)"), default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["application", "year"], name="one_budget_line_per_year")]

    def __str__(self) -> str:
        return f"{self.year}"

    @property
    def total(self) -> int:
        return self.board_amount + self.ufm_amount + self.cofinancing


def attachment_path(instance: "Attachment", filename: str) -> str:
    """Store uploads under a random name per application; the sanitised original name is kept in the row."""
    import uuid

    return f"applications/{instance.application_id}/{uuid.uuid4().hex}.pdf"


class Attachment(models.Model):
    """An uploaded PDF. Checked by content, size-limited, stored outside static/, served through a view."""

    class Kind(models.TextChoices):
        STATUTES = "statutes", _("Statutes")
        ANNUAL_ACCOUNTS = "annual_accounts", _("Latest annual accounts")
        GOLD_CERTIFICATE = "gold_certificate", _("Gold label certificate")
        GOLD_PLAN = "gold_plan", _("Plan to reach the gold label")
        LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
        OTHER = "other", _("Other attachment")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("applications:attachment", args=[self.application_id, self.pk])


class Message(models.Model):
    """A message from the secretariat (or the system) to an organisation, shown on its dashboard."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="messages")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.subject


class Invitation(models.Model):
    """A member's invitation of a colleague to act for the organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email
