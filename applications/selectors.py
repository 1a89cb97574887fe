"""Reads of calls, organisations and applications that several views share."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Prefetch,
    QuerySet,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .facts import EVIDENCE_ATTACHMENTS, KNOWN_REQUIREMENTS, codes_of, membership, step_guide_facts
from .models import (
    ActorType,
    Application,
    Attachment,
    BoardMember,
    BudgetFrame,
    Call,
    Funder,
    Location,
    Organisation,
)
from .requirements import (
    BOARD_COMPOSITION,
    GOLD_LABEL,
    LEGAL_ENTITY,
    ROBUST_FOUNDATION,
    VIRKSOMHEDSGUIDEN,
    checks_missing,
    kinds_of,
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


def _prefetched(instance, name: str):
    """Return the rows of relation `name` prefetched on `instance`, or None if they were not."""
    return getattr(instance, "_prefetched_objects_cache", {}).get(name)


def application_for_editing(*, pk: int, user=None, step_guide: bool = False, prefetch: tuple = ()) -> Application:
    """Return an application with what the page needs; raise Application.DoesNotExist.

    The page's several permission checks ask whether `user` (the requesting user) is a member of the
    application's organisation: that is a fact in the application's query too (`rules.has_member` reads it);
    without a (logged-in) `user`, the organisation's members (their ids) come from one query. With
    `step_guide`, also what `section_status` needs: the sections' saved states from one query, and for the
    rest a fact each in the application's own query (`facts.step_guide_facts`). `prefetch` names the related rows
    the page and its forms read (lookups or Prefetch objects); the step guide reads those rows instead of their
    facts, and the rows of the same section it needs besides (a page showing a call's criteria gets their
    answers too).
    """
    lookups: list = []
    # the content frozen at submission is large and not shown on these pages
    queryset = Application.objects.select_related("call", "organisation", "business_area").defer("submitted_content")
    asking = user is not None and user.is_authenticated
    if asking:
        queryset = queryset.annotate(user_is_member=membership(connection.vendor, user.pk))
    else:
        lookups.append(Prefetch("organisation__members", queryset=get_user_model().objects.only("pk")))
    shown = {getattr(lookup, "prefetch_to", lookup) for lookup in prefetch}
    if step_guide:
        lookups.append("section_states")
        facts = {}
        for relations, annotations in step_guide_facts(connection.vendor).items():
            if shown.isdisjoint(relations):
                facts |= annotations
            elif len(relations) > 1:
                lookups += [relation for relation in relations if relation not in shown]
        queryset = queryset.annotate(**facts)
    application = queryset.prefetch_related(*lookups, *prefetch).get(pk=pk)
    if asking:
        application.organisation.membership = {user.pk: application.user_is_member}
    return application


def board_representation(application: Application) -> dict[str, bool]:
    """Return whether companies and knowledge institutions are both on the applicant's board."""
    members = _prefetched(application, "board_members")
    if members is not None:
        kinds = {member.affiliation for member in members}
    else:
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


def _requirement_missing(application: Application):
    """Yield what the requirements section lacks: an answer per requirement, then the evidence it asks for.

    The kinds of the attachments are read once, when the first requirement with evidence checks comes.
    """
    answers = {a.requirement_id: a.text.strip() for a in application.requirement_answers.all()}
    kinds = None
    for requirement in application.call.requirements.all():
        if not answers.get(requirement.pk):
            yield MissingItem(
                "requirements",
                _("Explain how you meet: %(requirement)s") % {"requirement": requirement.tr("text")},
                f"requirement-{requirement.code}",
            )
        kind = requirement.kind
        if kind is not None and kind.missing is not None:
            if kinds is None:
                kinds = _attachment_kinds(application)
            yield from kind.missing(application, kinds)


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
    if _board_member_count(application) < 2:
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


# Each fact the step guide needs, from the rows a page prefetched, else from the application's annotation
# (`application_for_editing(step_guide=True)`), else (an application loaded elsewhere) from a query of its own.


def _attachment_kinds(application: Application) -> set[str]:
    """Return the kinds of the application's attachments (from the fact: those of them the evidence checks read)."""
    attachments = _prefetched(application, "attachments")
    if attachments is not None:
        return {attachment.kind for attachment in attachments}
    if hasattr(application, "evidence_attachments"):
        return codes_of(application.evidence_attachments, EVIDENCE_ATTACHMENTS)
    return set(application.attachments.values_list("kind", flat=True))


def _board_member_count(application: Application) -> int:
    members = _prefetched(application, "board_members")
    if members is not None:
        return len(members)
    count = getattr(application, "board_member_count", None)
    return count if count is not None else application.board_members.count()


def _has_headquarters(application: Application) -> bool:
    if _prefetched(application, "locations") is None and hasattr(application, "has_headquarters"):
        return application.has_headquarters
    return any(x.kind == Location.Kind.HEADQUARTERS for x in application.locations.all())


def _has_partners(application: Application) -> bool:
    partners = _prefetched(application, "partners")
    if partners is not None:
        return bool(partners)
    if hasattr(application, "has_partners"):
        return application.has_partners
    return application.partners.exists()


def _budget_applied(application: Application) -> int:
    """Return the amounts applied for from the board and UFM over all years (0 without budget lines)."""
    if _prefetched(application, "budget_lines") is None and hasattr(application, "budget_applied"):
        return application.budget_applied or 0
    return sum(line.board_amount + line.ufm_amount for line in application.budget_lines.all())


def _activities_with_actor_types(application: Application) -> list[tuple]:
    """Return (pk, title, actor types) per activity, in order: the prefetched rows, else one query for all."""
    activities = _prefetched(application, "activities")
    if activities is not None:
        return [(a.pk, a.title, [x.actor_type for x in a.actors.all()]) for a in activities]
    by_pk: dict[int, tuple] = {}
    rows = application.activities.order_by("pk", "actors__pk").values_list("pk", "title", "actors__actor_type")
    for pk, title, actor_type in rows:
        activity = by_pk.setdefault(pk, (pk, title, []))
        if actor_type is not None:
            activity[2].append(actor_type)
    return list(by_pk.values())


def _area_missing(application: Application):
    if not application.business_area_id:
        yield MissingItem("area", _("Choose the business area you apply for."), "id_business_area")


def _criteria_missing(application: Application):
    texts = {a.criterion_id: a.text.strip() for a in application.criterion_answers.all()}
    has_headquarters = None  # asked once, and only if a criterion asks for locations
    for criterion in application.call.criteria.all():
        if not texts.get(criterion.pk):
            yield MissingItem(
                "criteria",
                _("Write the text for: %(criterion)s") % {"criterion": criterion.tr("name")},
                f"id_criterion_{criterion.pk}",
            )
        if criterion.asks_for_locations and has_headquarters is None:
            has_headquarters = _has_headquarters(application)
        if criterion.asks_for_locations and not has_headquarters:
            yield MissingItem("criteria", _("State where the organisation's headquarters is."), "locations")


def _activities_missing(application: Application):
    activities = _activities_with_actor_types(application)
    if not activities:
        yield MissingItem("activities", _("Describe at least one activity."), "")
    for pk, title, actor_types in activities:
        for problem in activity_actor_problems(call=application.call, actor_types=actor_types):
            yield MissingItem("activities", f"{title}: {problem}", f"activity-{pk}")


def _partners_missing(application: Application):
    if not _has_partners(application):
        yield MissingItem("partners", _("List the partner circle (at least one partner)."), "")


def _budget_missing(application: Application):
    if _budget_applied(application) == 0:
        yield MissingItem("budget", _("State the amounts you apply for per year."), "")


# (section, what it lacks) in the order of the sections; each yields its items one by one, so that the step
# guide stops at a section's first
MISSING_BY_SECTION = (
    ("requirements", _requirement_missing),
    ("area", _area_missing),
    ("criteria", _criteria_missing),
    ("activities", _activities_missing),
    ("partners", _partners_missing),
    ("budget", _budget_missing),
)


def application_missing_items(*, application: Application) -> list[MissingItem]:
    """Return every item the application still lacks, in the order of the sections."""
    return [item for _section, missing in MISSING_BY_SECTION for item in missing(application)]


# Whether a section lacks something, from the facts of the rows the page did not load (`facts.step_guide_facts`);
# None without them (the page shows the section's rows, or the application was loaded elsewhere): then
# MISSING_BY_SECTION reads the rows.


def _requirements_incomplete(application: Application) -> bool | None:
    if not hasattr(application, "requirements_unanswered"):
        return None
    if application.requirements_unanswered:
        return True
    kinds = _attachment_kinds(application)
    codes = codes_of(application.requirement_kinds, KNOWN_REQUIREMENTS)
    return any(kind.missing(application, kinds) for kind in kinds_of(codes) if kind.missing is not None)


def _criteria_incomplete(application: Application) -> bool | None:
    if not hasattr(application, "criteria_unanswered"):
        return None
    return application.criteria_unanswered or (
        application.criteria_ask_for_locations and not _has_headquarters(application)
    )


def _activities_incomplete(application: Application) -> bool | None:
    if not hasattr(application, "has_activities"):
        return None
    return not application.has_activities or application.activity_problems


INCOMPLETE_BY_FACTS = {
    "requirements": _requirements_incomplete,
    "criteria": _criteria_incomplete,
    "activities": _activities_incomplete,
}


def _incomplete_sections(application: Application) -> set[str]:
    """Return the sections that lack something (as `application_missing_items` would say, without its texts)."""
    incomplete = set()
    for section, missing in MISSING_BY_SECTION:
        by_facts = INCOMPLETE_BY_FACTS.get(section)
        lacking = by_facts(application) if by_facts else None
        if lacking is None:
            lacking = next(missing(application), None) is not None
        if lacking:
            incomplete.add(section)
    return incomplete


def section_status(*, application: Application, missing: list[MissingItem] | None = None) -> list[dict]:
    """Return the step guide: per section its title, URL, whether it is complete and when it was last saved."""
    missing_sections = _incomplete_sections(application) if missing is None else {item.section for item in missing}
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
