"""The grant period (styringskonceptet): grants, indicators, annual action plans and periodic reports.

Split by domain word: `grants` (the grant, its versions, years and acceptance, and the call's governance
settings), `indicators` (the catalogue per call and targets per grant), `plans` (annual action plans) and
`reports` (the reporting calendar and the reports themselves).
"""

from .dialogue import ActionItem, StatusMeeting
from .grants import FundingSource, GovernanceSettings, Grant, GrantAcceptance, GrantVersion, GrantYear
from .indicators import Indicator, IndicatorTarget
from .plans import (
    ActionPlan,
    ActorKind,
    PlanActivity,
    PlanActor,
    PlanApproval,
    PlanIndicatorFigure,
    PlanReviewNote,
    PlanVersion,
)
from .reports import (
    Participant,
    Report,
    ReportAccountLine,
    ReportActivityStatus,
    ReportAttachment,
    ReportDue,
    ReportIndicatorActual,
)
from .watch import GoldLabel, GoldPlan, ReminderLanguage, ReminderSent, WatchSettings

__all__ = [
    "ActionItem",
    "ActionPlan",
    "ActorKind",
    "FundingSource",
    "GoldLabel",
    "GoldPlan",
    "GovernanceSettings",
    "Grant",
    "GrantAcceptance",
    "GrantVersion",
    "GrantYear",
    "Indicator",
    "IndicatorTarget",
    "Participant",
    "PlanActivity",
    "PlanActor",
    "PlanApproval",
    "PlanIndicatorFigure",
    "PlanReviewNote",
    "PlanVersion",
    "ReminderLanguage",
    "ReminderSent",
    "Report",
    "ReportAccountLine",
    "ReportActivityStatus",
    "ReportAttachment",
    "ReportDue",
    "ReportIndicatorActual",
    "StatusMeeting",
    "WatchSettings",
]
