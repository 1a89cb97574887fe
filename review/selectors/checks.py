"""The requirement checks: what the application's data suggests about each requirement, and the
reviewers' own checks."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.models import Application, Attachment, BoardMember
from applications.requirements import (
    BOARD_COMPOSITION,
    GOLD_LABEL,
    LEGAL_ENTITY,
    ROBUST_FOUNDATION,
    VIRKSOMHEDSGUIDEN,
    suggests,
)
from applications.selectors import board_representation
from clusterfund.money import format_kroner
from clusterfund.validators import cvr_is_valid

from ..models import RequirementCheck, Verdict
from .visibility import seen_by


@dataclass(frozen=True)
class Suggestion:
    """What the portal can tell from the application's data about one requirement."""

    verdict: str | None
    reason: str
    evidence: tuple[str, ...] = ()

    @property
    def verdict_label(self) -> str:
        return str(Verdict(self.verdict).label) if self.verdict else ""


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else "–"


@suggests(LEGAL_ENTITY)
def _suggest_legal_entity(application: Application, kinds: set[str]) -> Suggestion:
    organisation = application.organisation
    valid = cvr_is_valid(organisation.cvr)
    evidence = (
        _("CVR number %(cvr)s: %(state)s")
        % {"cvr": organisation.cvr, "state": _("valid check digit") if valid else _("the check digit does not match")},
        _("Legal form: %(form)s") % {"form": organisation.get_legal_form_display()},
        _("Declares a non-profit basis: %(answer)s") % {"answer": _yes_no(organisation.is_non_profit)},
        _("Statutes attached: %(answer)s") % {"answer": _yes_no(Attachment.Kind.STATUTES in kinds)},
    )
    if not valid:
        return Suggestion(Verdict.NOT_MET, _("The CVR number is not valid."), evidence)
    if not organisation.is_non_profit:
        return Suggestion(
            Verdict.NEEDS_CLARIFICATION, _("The organisation has not declared a non-profit basis."), evidence
        )
    return Suggestion(Verdict.MET, _("Valid CVR number and a declared non-profit basis; check the statutes."), evidence)


@suggests(ROBUST_FOUNDATION)
def _suggest_robust_foundation(application: Application, kinds: set[str]) -> Suggestion:
    evidence = (
        _("Equity: %(amount)s") % {"amount": format_kroner(application.equity) or "–"},
        _("Turnover: %(amount)s") % {"amount": format_kroner(application.turnover) or "–"},
        _("Staff (full-time equivalents): %(n)s")
        % {"n": "–" if application.staff_count is None else application.staff_count},
        _("Annual accounts attached: %(answer)s") % {"answer": _yes_no(Attachment.Kind.ANNUAL_ACCOUNTS in kinds)},
    )
    if None in (application.equity, application.turnover, application.staff_count):
        return Suggestion(Verdict.NEEDS_CLARIFICATION, _("Equity, turnover or staff is not stated."), evidence)
    if application.equity < 0:
        return Suggestion(Verdict.NEEDS_CLARIFICATION, _("The equity is negative."), evidence)
    return Suggestion(None, _("Judge the foundation from the accounts; the portal cannot."), evidence)


@suggests(BOARD_COMPOSITION)
def _suggest_board(application: Application, kinds: set[str]) -> Suggestion:
    members = list(application.board_members.all())
    counts = defaultdict(int)
    for member in members:
        counts[member.affiliation] += 1
    evidence = (
        _("Board members: %(n)s (companies: %(companies)s, knowledge institutions: %(knowledge)s, other: %(other)s)")
        % {
            "n": len(members),
            "companies": counts[BoardMember.Affiliation.COMPANY],
            "knowledge": counts[BoardMember.Affiliation.KNOWLEDGE_INSTITUTION],
            "other": counts[BoardMember.Affiliation.OTHER],
        },
    )
    if board_representation(application)["both"]:
        return Suggestion(Verdict.MET, _("Both companies and knowledge institutions sit on the board."), evidence)
    return Suggestion(Verdict.NOT_MET, _("The board lacks companies or knowledge institutions."), evidence)


@suggests(GOLD_LABEL)
def _suggest_gold(application: Application, kinds: set[str]) -> Suggestion:
    deadline = timezone.localdate(application.call.deadline)
    status = application.gold_status
    evidence = [_("Deadline of the call: %(date)s") % {"date": _date(deadline)}]
    if status == Application.GoldStatus.GOLD:
        evidence += [
            _("Gold label awarded %(awarded)s, expires %(expires)s")
            % {"awarded": _date(application.gold_awarded_on), "expires": _date(application.gold_expires_on)},
            _("Certificate attached: %(answer)s") % {"answer": _yes_no(Attachment.Kind.GOLD_CERTIFICATE in kinds)},
        ]
        if not application.gold_expires_on:
            return Suggestion(
                Verdict.NEEDS_CLARIFICATION, _("The gold label's expiry date is missing."), tuple(evidence)
            )
        if application.gold_expires_on > deadline:
            return Suggestion(Verdict.MET, _("The gold label is valid at the deadline."), tuple(evidence))
        return Suggestion(Verdict.NOT_MET, _("The gold label had expired by the deadline."), tuple(evidence))
    if status == Application.GoldStatus.PLAN:
        evidence += [
            _("Plan to reach the gold label by %(date)s") % {"date": _date(application.gold_target_date)},
            _("Plan attached: %(answer)s") % {"answer": _yes_no(Attachment.Kind.GOLD_PLAN in kinds)},
        ]
        if application.gold_target_date:
            return Suggestion(Verdict.MET, _("A plan with a target date is present."), tuple(evidence))
        return Suggestion(Verdict.NEEDS_CLARIFICATION, _("The plan has no target date."), tuple(evidence))
    return Suggestion(Verdict.NOT_MET, _("Neither a gold label nor a plan is stated."), tuple(evidence))


@suggests(VIRKSOMHEDSGUIDEN)
def _suggest_virksomhedsguiden(application: Application, kinds: set[str]) -> Suggestion:
    evidence = (
        _("Link to the services: %(url)s") % {"url": application.vg_listing_url or "–"},
        _("Commits to listing the services: %(answer)s") % {"answer": _yes_no(application.vg_commitment)},
    )
    if application.vg_listing_url:
        return Suggestion(Verdict.MET, _("The services are listed; follow the link to check."), evidence)
    if application.vg_commitment:
        return Suggestion(Verdict.MET, _("The organisation commits to listing its services."), evidence)
    return Suggestion(Verdict.NOT_MET, _("Neither a link nor a commitment."), evidence)


def requirement_suggestions(*, application: Application) -> dict[int, Suggestion]:
    """Return, per requirement pk of the call, the verdict the application's data suggests and the
    evidence behind it (verdict None where the portal cannot judge)."""
    kinds = set(application.attachments.values_list("kind", flat=True))
    suggestions = {}
    for requirement in application.call.requirements.all():
        kind = requirement.kind
        if kind is not None and kind.suggest is not None:
            suggestion = kind.suggest(application, kinds)
        else:
            suggestion = Suggestion(None, _("The portal has no automatic check for this requirement."))
        suggestions[requirement.pk] = suggestion
    return suggestions


def requirement_checks_of(*, application: Application, viewer, include_others: bool) -> dict[int, list]:
    """Return requirement pk -> the visible reviewers' checks."""
    checks = seen_by(
        RequirementCheck.objects.filter(assignment__application=application),
        viewer=viewer,
        include_others=include_others,
    )
    result = defaultdict(list)
    for check in checks:
        result[check.requirement_id].append(check)
    return result
