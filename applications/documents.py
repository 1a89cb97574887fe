"""The application dossier: a whole application as submitted, with its attachments and their SHA-256, for the
reviewers and the archive.

Registered as the document kind "dossier" (subject: an application) from ApplicationsConfig.ready().
It is rendered from `Application.submitted_content`, the content frozen at submission (whose digest is the
receipt's SHA-256), with the call's names for criteria, requirements and activity types looked up when the
version is requested.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from clusterfund.documents import register_document

from .models import ActorType, Application, Attachment, BoardMember, Location, Organisation, Region
from .selectors import application_content
from .services import application_digest

KIND = "dossier"


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def dossier_snapshot(application: Application, options: dict) -> dict:
    """Return the application as submitted, with labels, as JSON-safe data; raise ValidationError for a draft."""
    if application.status == Application.Status.DRAFT or not application.submitted_at:
        raise ValidationError(gettext_lazy("Only a submitted application has a dossier."))
    call = application.call
    content = application.submitted_content
    from_submission = content is not None
    if content is None:  # submitted before the content was frozen (or made by a data import): use the rows
        content = application_content(application=application)
    return {
        "call": {"title": call.tr("title"), "slug": call.slug, "deadline": call.deadline},
        "application": _dossier_application(application, content, from_submission=from_submission),
        **_dossier_organisation(content),
        "requirements": _dossier_requirements(call, content),
        **_dossier_evidence(content),
        "criteria": _dossier_criteria(call, content),
        **_dossier_lists(call, content),
        **_dossier_budget(content.get("budget", [])),
        "attachments": [
            {**attachment, "kind_label": _label(Attachment.Kind, attachment.get("kind"))}
            for attachment in content.get("attachments", [])
        ],
    }


def _dossier_application(application: Application, content: dict, *, from_submission: bool) -> dict:
    """Return the application's status and submission, and whether the content still matches the receipt."""
    return {
        "pk": application.pk,
        "status": application.status,
        "status_label": _label(Application.Status, application.status),
        "submitted_at": application.submitted_at,
        "submitted_by": application.submitted_by.get_full_name() if application.submitted_by else "",
        "content_sha256": application.content_sha256,
        # the digest of what is rendered matches the receipt's: nothing was changed since submission
        "digest_matches": from_submission and application_digest(content) == application.content_sha256,
        "from_submission": from_submission,
    }


def _dossier_organisation(content: dict) -> dict:
    """Return the organisation, with labels, and the business area."""
    organisation = content.get("organisation", {})
    return {
        "organisation": {
            **organisation,
            "legal_form_label": _label(Organisation.LegalForm, organisation.get("legal_form")),
            "region_label": _label(Region, organisation.get("region")),
        },
        "business_area": content.get("business_area") or "",
    }


def _dossier_requirements(call, content: dict) -> list[dict]:
    """Return the answer to each requirement, with the requirement as the call words it (or its code)."""
    requirements = {r.code: r for r in call.requirements.all()}
    return [
        {"code": code, "text": requirements[code].tr("text") if code in requirements else code, "answer": text}
        for code, text in content.get("requirements", {}).items()
    ]


def _dossier_evidence(content: dict) -> dict:
    """Return the requirement evidence and the board, with labels."""
    evidence = content.get("evidence", {})
    return {
        "evidence": {**evidence, "gold_status_label": _label(Application.GoldStatus, evidence.get("gold_status"))},
        "board": [
            {**member, "affiliation_label": _label(BoardMember.Affiliation, member.get("affiliation"))}
            for member in content.get("board", [])
        ],
    }


def _dossier_criteria(call, content: dict) -> list[dict]:
    """Return the text for each criterion, with the criterion's name and weight in the call (or its code)."""
    criteria = {c.code: c for c in call.criteria.all()}
    return [
        {
            "code": code,
            "name": criteria[code].tr("name") if code in criteria else code,
            "weight": criteria[code].weight if code in criteria else None,
            "text": text,
        }
        for code, text in content.get("criteria", {}).items()
    ]


def _dossier_lists(call, content: dict) -> dict:
    """Return the locations, the activities with their actors and the partners, with labels."""
    activity_types = {t.code: t.tr("name") for t in call.activity_types.all()}
    return {
        "locations": [
            {
                **location,
                "kind_label": _label(Location.Kind, location.get("kind")),
                "region_label": _label(Region, location.get("region")),
            }
            for location in content.get("locations", [])
        ],
        "activities": [
            {
                **activity,
                "type_label": activity_types.get(activity.get("type"), activity.get("type")),
                "actors": [
                    {**actor, "type_label": _label(ActorType, actor.get("type"))}
                    for actor in activity.get("actors", [])
                ],
            }
            for activity in content.get("activities", [])
        ],
        "partners": [
            {**partner, "type_label": _label(ActorType, partner.get("type"))} for partner in content.get("partners", [])
        ],
    }


def _dossier_budget(budget: list[dict]) -> dict:
    """Return the budget lines with their totals, and the totals per funder and overall."""
    return {
        "budget": [{**line, "total": line["board"] + line["ufm"] + line["cofinancing"]} for line in budget],
        "budget_totals": {key: sum(line[key] for line in budget) for key in ("board", "ufm", "cofinancing")}
        | {"total": sum(line["board"] + line["ufm"] + line["cofinancing"] for line in budget)},
    }


register_document(
    KIND,
    title=gettext_lazy("Application dossier"),
    subject_model=Application,
    snapshot=dossier_snapshot,
    template="pdf/dossier.html",
    can_generate="applications.generate_dossier",
    can_download="applications.download_dossier",
    subject_label=lambda application: f"{application.organisation.name} – {application.call.tr('title')}",
    subject_url=lambda application: application.get_absolute_url(),
    filename_stem="ansoegning",
    generate_label=gettext_lazy("Generate dossier"),
)
