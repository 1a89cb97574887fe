"""The applications app's models, one module per word of the domain: the call, the organisation, the application.

Everything is imported here, so `from applications.models import Call` keeps working and the migrations'
references (`applications.models.Translated`, `applications.models.attachment_path`) still resolve.
"""

from .application import (
    Activity,
    ActivityActor,
    ActorType,
    Application,
    Attachment,
    BoardMember,
    BudgetLine,
    CriterionAnswer,
    Location,
    Partner,
    RequirementAnswer,
    SectionState,
    attachment_path,
)
from .call import (
    ActivityType,
    BudgetFrame,
    BusinessArea,
    Call,
    CallPart,
    CallQuerySet,
    Criterion,
    Funder,
    Milestone,
    Requirement,
    Translated,
)
from .organisation import Invitation, Message, Organisation, Region

__all__ = [
    "Activity",
    "ActivityActor",
    "ActivityType",
    "ActorType",
    "Application",
    "Attachment",
    "BoardMember",
    "BudgetFrame",
    "BudgetLine",
    "BusinessArea",
    "Call",
    "CallPart",
    "CallQuerySet",
    "Criterion",
    "CriterionAnswer",
    "Funder",
    "Invitation",
    "Location",
    "Message",
    "Milestone",
    "Organisation",
    "Partner",
    "Region",
    "Requirement",
    "RequirementAnswer",
    "SectionState",
    "Translated",
    "attachment_path",
]
