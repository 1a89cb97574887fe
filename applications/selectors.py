"""Reads of calls, organisations and applications that several views share."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ActorType, Application, Attachment, BoardMember, BudgetFrame, Call, Funder, Location, Organisation
from .requirements import (
    BOARD_COMPOSITION,
    GOLD_LABEL,
    LEGAL_ENTITY,
    ROBUST_FOUNDATION,
    VIRKSOMHEDSGUIDEN,
    checks_missing,
)
from .sections import SECTIONS, SECTIONS_BY_CODE


def calls_for_front_page(*, now=None) -> dict[str, list[Call]]:
    """Return the published calls split into 'open', 'upcoming' and 'closed' (newest first)."""
    now = now or timezone.now()
    grouped: dict[str, list[Call]] = {"open": [], "upcoming": [], "closed": []}
    for call in Call.objects.published().order_by("-opens_at"):
        grouped[call.phase(now)].append(call)
    return grouped


def call_for_public_page(*, slug: str) -> Call:
    """Return a published call with its configuration prefetched; raise Call.DoesNotExist if none."""
    return (
        Call.objects.published()
        .prefetch_related(
            "milestones",
            "areas",
            "requirements",
            "criteria",
            "activity_types",
            Prefetch("frames", queryset=BudgetFrame.objects.order_by("year", "funder")),
        )
        .get(slug=slug)
    )


def budget_table(call: Call) -> list[dict]:
    """Return one row per year: the board's and UFM's frame (or None) and the year's total."""
    by_year: dict[int, dict] = {year: {"year": year, "board": None, "ufm": None} for year in call.years}
    for frame in call.frames.all():
        by_year.setdefault(frame.year, {"year": frame.year, "board": None, "ufm": None})
        by_year[frame.year][Funder.BOARD if frame.funder == Funder.BOARD else Funder.UFM] = frame
    rows = []
    for year in sorted(by_year):
        row = by_year[year]
        row["total"] = sum(f.amount for f in (row["board"], row["ufm"]) if f)
        rows.append(row)
    return rows


def budget_totals(rows: list[dict]) -> dict[str, int]:
    """Return the period's totals per funder and overall for rows from `budget_table`."""
    board = sum(r["board"].amount for r in rows if r["board"])
    ufm = sum(r["ufm"].amount for r in rows if r["ufm"])
    return {"board": board, "ufm": ufm, "total": board + ufm}


def organisations_of(user) -> QuerySet[Organisation]:
    """Return the organisations the user acts for."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(members=user)


# --- applications -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingItem:
    """Something the application lacks before it can be submitted, with where to fix it."""

    section: str
    message: str
    anchor: str = ""

    def url(self, application: Application) -> str:
        base = reverse(SECTIONS_BY_CODE[self.section].url_name, args=[application.pk])
        return f"{base}#{self.anchor}" if self.anchor else base


def application_for_editing(*, pk: int) -> Application:
    """Return an application with what every section page needs; raise Application.DoesNotExist.

    The members answer the page's several permission checks; the criteria, their answers, the locations
    and the sections' saved states serve both the section's form and the step guide, each from one query.
    """
    return (
        Application.objects.select_related("call", "organisation", "business_area")
        .prefetch_related("organisation__members", "call__criteria", "criterion_answers", "locations", "section_states")
        .get(pk=pk)
    )


def board_representation(application: Application) -> dict[str, bool]:
    """Return whether companies and knowledge institutions are both on the applicant's board."""
    kinds = set(application.board_members.values_list("affiliation", flat=True))
    has_company = BoardMember.Affiliation.COMPANY in kinds
    has_knowledge = BoardMember.Affiliation.KNOWLEDGE_INSTITUTION in kinds
    return {"company": has_company, "knowledge_institution": has_knowledge, "both": has_company and has_knowledge}


def activity_actor_problems(*, call: Call, actor_types: list[str]) -> list[str]:
    """Return what is wrong with an activity's actors under the call's rule (empty when fine)."""
    problems = []
    if len(actor_types) < call.activity_min_actors:
        problems.append(
            _("An activity must involve at least %(n)s actors; this one has %(count)s.")
            % {"n": call.activity_min_actors, "count": len(actor_types)}
        )
    if call.activity_requires_company and ActorType.COMPANY not in actor_types:
        problems.append(_("An activity must involve at least one company."))
    return problems


def budget_years(call: Call) -> dict[int, dict[str, bool]]:
    """Return per year of the call whether the board and UFM have a frame that year."""
    years = {year: {"board": False, "ufm": False} for year in call.years}
    for frame in call.frames.all():
        if frame.year in years:
            years[frame.year][frame.funder] = True
    return years


def _requirement_missing(application: Application, kinds: set[str]) -> list[MissingItem]:
    """Return what the requirements section lacks: an answer per requirement, then the evidence it asks for."""
    items = []
    answers = {a.requirement_id: a.text.strip() for a in application.requirement_answers.all()}
    for requirement in application.call.requirements.all():
        if not answers.get(requirement.pk):
            items.append(
                MissingItem(
                    "requirements",
                    _("Explain how you meet: %(requirement)s") % {"requirement": requirement.tr("text")},
                    f"requirement-{requirement.code}",
                )
            )
        kind = requirement.kind
        if kind is not None and kind.missing is not None:
            items += kind.missing(application, kinds)
    return items


@checks_missing(LEGAL_ENTITY)
def _legal_entity_missing(application: Application, kinds: set[str]) -> list[MissingItem]:
    items = []
    if Attachment.Kind.STATUTES not in kinds:
        items.append(MissingItem("requirements", _("Upload the organisation's statutes (PDF)."), "evidence-statutes"))
    if not application.organisation.is_non_profit:
        items.append(
            MissingItem(
                "requirements",
                _("The organisation has not declared that it works on a non-profit basis."),
                f"requirement-{LEGAL_ENTITY}",
            )
        )
    return items


@checks_missing(ROBUST_FOUNDATION)
def _robust_foundation_missing(application: Application, kinds: set[str]) -> list[MissingItem]:
    items = []
    if Attachment.Kind.ANNUAL_ACCOUNTS not in kinds:
        items.append(
            MissingItem("requirements", _("Upload the latest annual accounts (PDF)."), "evidence-annual_accounts")
        )
    for field, label in (("equity", _("equity")), ("turnover", _("turnover")), ("staff_count", _("staff"))):
        if getattr(application, field) is None:
            items.append(
                MissingItem("requirements", _("State the organisation's %(what)s.") % {"what": label}, f"id_{field}")
            )
    return items


@checks_missing(BOARD_COMPOSITION)
def _board_composition_missing(application: Application, kinds: set[str]) -> list[MissingItem]:
    if application.board_members.count() < 2:
        return [MissingItem("requirements", _("List the members of the board (at least two)."), "board")]
    return []


@checks_missing(GOLD_LABEL)
def _gold_label_missing(application: Application, kinds: set[str]) -> list[MissingItem]:
    items = []
    if application.gold_status == Application.GoldStatus.GOLD:
        if not (application.gold_awarded_on and application.gold_expires_on):
            items.append(
                MissingItem(
                    "requirements",
                    _("State when the gold label was awarded and when it expires."),
                    "id_gold_awarded_on",
                )
            )
        if Attachment.Kind.GOLD_CERTIFICATE not in kinds:
            items.append(
                MissingItem("requirements", _("Upload the gold label certificate (PDF)."), "evidence-gold_certificate")
            )
    elif application.gold_status == Application.GoldStatus.PLAN:
        if not application.gold_target_date:
            items.append(
                MissingItem("requirements", _("State when you expect to reach the gold label."), "id_gold_target_date")
            )
        if Attachment.Kind.GOLD_PLAN not in kinds:
            items.append(
                MissingItem("requirements", _("Upload the plan to reach the gold label (PDF)."), "evidence-gold_plan")
            )
    else:
        items.append(
            MissingItem(
                "requirements",
                _("State whether you hold the gold label or have a plan to reach it."),
                "id_gold_status",
            )
        )
    return items


@checks_missing(VIRKSOMHEDSGUIDEN)
def _virksomhedsguiden_missing(application: Application, kinds: set[str]) -> list[MissingItem]:
    if application.vg_listing_url or application.vg_commitment:
        return []
    return [
        MissingItem(
            "requirements",
            _("Link to your services on Virksomhedsguiden or commit to putting them there."),
            "id_vg_listing_url",
        )
    ]


def application_missing_items(*, application: Application) -> list[MissingItem]:
    """Return every item the application still lacks, in the order of the sections."""
    call = application.call
    kinds = set(application.attachments.values_list("kind", flat=True))
    items = _requirement_missing(application, kinds)
    if not application.business_area_id:
        items.append(MissingItem("area", _("Choose the business area you apply for."), "id_business_area"))
    texts = {a.criterion_id: a.text.strip() for a in application.criterion_answers.all()}
    has_headquarters = None  # asked once, and only if a criterion asks for locations
    for criterion in call.criteria.all():
        if not texts.get(criterion.pk):
            items.append(
                MissingItem(
                    "criteria",
                    _("Write the text for: %(criterion)s") % {"criterion": criterion.tr("name")},
                    f"id_criterion_{criterion.pk}",
                )
            )
        if criterion.asks_for_locations and has_headquarters is None:
            has_headquarters = any(x.kind == Location.Kind.HEADQUARTERS for x in application.locations.all())
        if criterion.asks_for_locations and not has_headquarters:
            items.append(MissingItem("criteria", _("State where the organisation's headquarters is."), "locations"))
    activities = list(application.activities.prefetch_related("actors"))
    if not activities:
        items.append(MissingItem("activities", _("Describe at least one activity."), ""))
    for activity in activities:
        for problem in activity_actor_problems(call=call, actor_types=[a.actor_type for a in activity.actors.all()]):
            items.append(MissingItem("activities", f"{activity.title}: {problem}", f"activity-{activity.pk}"))
    if not application.partners.exists():
        items.append(MissingItem("partners", _("List the partner circle (at least one partner)."), ""))
    lines = {line.year: line for line in application.budget_lines.all()}
    if not lines or sum(line.board_amount + line.ufm_amount for line in lines.values()) == 0:
        items.append(MissingItem("budget", _("State the amounts you apply for per year."), ""))
    return items


def section_status(*, application: Application, missing: list[MissingItem] | None = None) -> list[dict]:
    """Return the step guide: per section its title, URL, whether it is complete and when it was last saved."""
    if missing is None:
        missing = application_missing_items(application=application)
    missing_sections = {item.section for item in missing}
    states = {s.section: s for s in application.section_states.all()}
    return [
        {
            "section": section,
            "url": reverse(section.url_name, args=[application.pk]),
            "complete": section.code not in missing_sections,
            "state": states.get(section.code),
        }
        for section in SECTIONS
    ]


def application_content(*, application: Application) -> dict:
    """Return the whole application as plain data (for the submission digest, the receipt and archives)."""
    call = application.call
    organisation = application.organisation
    return {
        "call": call.slug,
        "organisation": {
            "name": organisation.name,
            "cvr": organisation.cvr,
            "legal_form": organisation.legal_form,
            "non_profit": organisation.is_non_profit,
            "address": organisation.address,
            "postcode": organisation.postcode,
            "city": organisation.city,
            "region": organisation.region,
            "website": organisation.website,
            "virksomhedsguiden_url": organisation.virksomhedsguiden_url,
        },
        "business_area": application.business_area.name if application.business_area else None,
        "requirements": {
            a.requirement.code: a.text for a in application.requirement_answers.select_related("requirement")
        },
        "evidence": {
            "equity": application.equity,
            "turnover": application.turnover,
            "staff_count": application.staff_count,
            "gold_status": application.gold_status,
            "gold_awarded_on": application.gold_awarded_on.isoformat() if application.gold_awarded_on else None,
            "gold_expires_on": application.gold_expires_on.isoformat() if application.gold_expires_on else None,
            "gold_target_date": application.gold_target_date.isoformat() if application.gold_target_date else None,
            "vg_listing_url": application.vg_listing_url,
            "vg_commitment": application.vg_commitment,
        },
        "board": [
            {"name": m.name, "affiliation": m.affiliation, "employer": m.employer}
            for m in application.board_members.all()
        ],
        "criteria": {a.criterion.code: a.text for a in application.criterion_answers.select_related("criterion")},
        "locations": [
            {"kind": x.kind, "city": x.city, "region": x.region, "host": x.host} for x in application.locations.all()
        ],
        "activities": [
            {
                "type": a.activity_type.code,
                "title": a.title,
                "description": a.description,
                "first_year": a.first_year,
                "last_year": a.last_year,
                "budget": a.budget,
                "actors": [{"name": x.name, "type": x.actor_type} for x in a.actors.all()],
            }
            for a in application.activities.select_related("activity_type").prefetch_related("actors")
        ],
        "partners": [
            {
                "name": p.name,
                "type": p.partner_type,
                "role": p.role,
                "cvr": p.cvr,
                "letter_of_intent_sha256": p.letter_of_intent.sha256 if p.letter_of_intent else None,
            }
            for p in application.partners.select_related("letter_of_intent")
        ],
        "budget": [
            {"year": b.year, "board": b.board_amount, "ufm": b.ufm_amount, "cofinancing": b.cofinancing}
            for b in application.budget_lines.all()
        ],
        "attachments": [
            {"kind": f.kind, "name": f.original_name, "size": f.size, "sha256": f.sha256}
            for f in application.attachments.all()
        ],
    }


def budget_summary(*, application: Application) -> dict:
    """Return the budget lines per year of the call with totals per year, per column and overall."""
    lines = {line.year: line for line in application.budget_lines.all()}
    rows = []
    for year in application.call.years:
        line = lines.get(year)
        board, ufm, co = (line.board_amount, line.ufm_amount, line.cofinancing) if line else (0, 0, 0)
        rows.append({"year": year, "board": board, "ufm": ufm, "cofinancing": co, "total": board + ufm + co})
    totals = {key: sum(r[key] for r in rows) for key in ("board", "ufm", "cofinancing", "total")}
    return {"rows": rows, "totals": totals}
