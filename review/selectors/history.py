"""An application's history: the audit events of the application and its review."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from applications.models import Application
from clusterfund.models import AuditEvent

from ..models import Assignment, JointAssessment
from .visibility import assignment_of, others_visible


def application_history(*, application: Application, viewer) -> list[AuditEvent]:
    """Return the audit events of the application and its review (assignments, joint assessment), newest
    first, leaving out other reviewers' events while the viewer's own review is hidden from them."""
    own = assignment_of(application=application, user=viewer)
    visible = others_visible(call=application.call, own=own)
    assignment_ids = [
        str(pk)
        for pk in Assignment.objects.filter(application=application)
        .filter(Q(reviewer=viewer) if not visible else Q())
        .values_list("pk", flat=True)
    ]
    types = ContentType.objects.get_for_models(Application, Assignment, JointAssessment)
    condition = Q(content_type=types[Application], object_id=str(application.pk)) | Q(
        content_type=types[Assignment], object_id__in=assignment_ids
    )
    if visible:
        joint_ids = [
            str(pk) for pk in JointAssessment.objects.filter(application=application).values_list("pk", flat=True)
        ]
        condition |= Q(content_type=types[JointAssessment], object_id__in=joint_ids)
    return list(AuditEvent.objects.filter(condition).select_related("actor").order_by("-at", "-pk"))
