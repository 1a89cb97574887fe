"""The kinds of requirement the portal knows, by the code a call's requirement carries: one registry.

A call's requirements (``Requirement`` rows) are configured per call with a free ``code``; the portal has
behaviour for five kinds of them. Each kind here says what it is (its code and label), what evidence it
takes on the requirements page (fields on the application, files, the board), and two behaviours that are
registered by the layer that knows them, since imports flow one way (applications ← review):

- what the application still lacks for it (``missing``, registered by ``applications.selectors``), and
- how the portal suggests a verdict to the reviewers (``suggest``, registered by ``review.selectors``).

A requirement whose code is not here is still asked and answered in words; the portal just has no evidence
form, no missing-evidence check and no suggestion for it. Nothing outside this module (demo data and
migrations apart) matches requirement codes as strings: it asks `requirement_kind(code)`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

LEGAL_ENTITY = "legal_entity"
ROBUST_FOUNDATION = "robust_foundation"
BOARD_COMPOSITION = "board_composition"
GOLD_LABEL = "gold_label"
VIRKSOMHEDSGUIDEN = "virksomhedsguiden"


@dataclass
class RequirementKind:
    """One kind of requirement: its code, label and evidence, and the behaviours registered for it."""

    code: str
    label: str
    # fields on Application the requirements page asks for (EvidenceForm)
    evidence_fields: tuple[str, ...] = ()
    # attachment kinds (Attachment.Kind values) it asks for, one file of each: a new upload replaces it
    attachment_kinds: tuple[str, ...] = ()
    # whether it asks for the list of board members (BoardFormSet)
    takes_board: bool = False
    # (application, attachment kinds present) -> list of MissingItem; registered by applications.selectors
    missing: Callable | None = field(default=None, repr=False)
    # (application, attachment kinds present) -> review's Suggestion; registered by review.selectors
    suggest: Callable | None = field(default=None, repr=False)

    @property
    def evidence_template(self) -> str:
        """Return the template of the kind's evidence on the requirements page."""
        return f"applications/sections/requirements/{self.code}.html"


REQUIREMENT_KINDS: dict[str, RequirementKind] = {
    kind.code: kind
    for kind in (
        RequirementKind(LEGAL_ENTITY, _("Independent legal entity"), attachment_kinds=("statutes",)),
        RequirementKind(
            ROBUST_FOUNDATION,
            _("Robust economic and organisational foundation"),
            evidence_fields=("equity", "turnover", "staff_count"),
            attachment_kinds=("annual_accounts",),
        ),
        RequirementKind(BOARD_COMPOSITION, _("Companies and knowledge institutions on the board"), takes_board=True),
        RequirementKind(
            GOLD_LABEL,
            _("Gold label or a plan to reach it"),
            evidence_fields=("gold_status", "gold_awarded_on", "gold_expires_on", "gold_target_date"),
            attachment_kinds=("gold_certificate", "gold_plan"),
        ),
        RequirementKind(
            VIRKSOMHEDSGUIDEN,
            _("Services on Virksomhedsguiden"),
            evidence_fields=("vg_listing_url", "vg_commitment"),
        ),
    )
}


def requirement_kind(code: str) -> RequirementKind | None:
    """Return the kind a requirement's code names, or None for a code the portal has no behaviour for."""
    return REQUIREMENT_KINDS.get(code)


def kinds_of(codes) -> list[RequirementKind]:
    """Return the known kinds among `codes` (unknown codes are left out), in the registry's order."""
    wanted = set(codes)
    return [kind for code, kind in REQUIREMENT_KINDS.items() if code in wanted]


def evidence_fields_of(codes) -> set[str]:
    """Return the evidence fields the requirements with these codes ask for."""
    return {name for kind in kinds_of(codes) for name in kind.evidence_fields}


def attachment_kinds_of(codes) -> set[str]:
    """Return the attachment kinds the requirements with these codes ask for."""
    return {name for kind in kinds_of(codes) for name in kind.attachment_kinds}


def takes_board(codes) -> bool:
    """Return whether any requirement with these codes asks for the board."""
    return any(kind.takes_board for kind in kinds_of(codes))


ALL_EVIDENCE_FIELDS: tuple[str, ...] = tuple(
    name for kind in REQUIREMENT_KINDS.values() for name in kind.evidence_fields
)
ALL_ATTACHMENT_KINDS: frozenset[str] = frozenset(
    name for kind in REQUIREMENT_KINDS.values() for name in kind.attachment_kinds
)


def _registrar(attribute: str, code: str):
    kind = REQUIREMENT_KINDS[code]  # a KeyError at import time: a behaviour for a kind that does not exist

    def register(function: Callable) -> Callable:
        setattr(kind, attribute, function)
        return function

    return register


def checks_missing(code: str):
    """Decorator: register `function(application, kinds)` as what the kind's requirement still lacks."""
    return _registrar("missing", code)


def suggests(code: str):
    """Decorator: register `function(application, kinds)` as the kind's suggested verdict for the reviewers."""
    return _registrar("suggest", code)
