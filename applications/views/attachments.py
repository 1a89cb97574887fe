"""Attachments: the list page, uploads (evidence and other files), removal, and serving a file.

Files are served only through `AttachmentDownloadView`, never from a public media URL.
"""

import rules
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View

from clusterfund.views_base import safe_next

from ..forms_sections import SINGLE_FILE_KINDS, UploadForm
from ..models import Attachment
from ..services import attachment_add, attachment_remove
from ..uploads import sanitise_filename
from .base import ApplicationMixin, ListSectionView


class AttachmentsSectionView(ListSectionView):
    """A list page: every file, its details and links; it has no text of its own to save."""

    section = "attachments"
    template_name = "applications/sections/attachments.html"
    prefetch = (Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),)

    def extra_context(self) -> dict:
        application = self.application
        attachments = list(application.attachments.all())
        limit = application.call.max_attachments
        return {
            "attachments": attachments,
            "attachment_count": len(attachments),
            "attachment_limit": limit,
            "can_add": len(attachments) < limit,
            "upload_max_mb": upload_limit_mb(),
        }


def upload_limit_mb() -> int:
    """Return the upload size limit in whole megabytes (for the hint next to each upload)."""
    return settings.UPLOAD_MAX_BYTES // (1024 * 1024)


class EditAttachmentMixin(ApplicationMixin):
    """POST-only actions on a draft's files: 404 for non-members, a message once the draft is submitted."""

    http_method_names = ["post"]

    def back(self, anchor: str = ""):
        """Redirect to the page named by `next` (this site only), or to the section the file belongs to."""
        target = safe_next(self.request, self.request.POST.get("next", "")) or reverse(
            "applications:section_attachments", args=[self.application.pk]
        )
        return redirect(f"{target}#{anchor}" if anchor else target)

    def check_editable(self) -> bool:
        """Return True if the user may change the draft; raise Http404 for anyone outside the organisation."""
        # the rule itself, not user.has_perm: a superuser outside the organisation gets 404 here too
        if not rules.has_perm("applications.act_for_application", self.request.user, self.application):
            raise Http404
        if not self.request.user.has_perm("applications.edit_application", self.application):
            messages.error(self.request, _("The application has been submitted and can no longer be changed."))
            return False
        return True


class AttachmentUploadView(EditAttachmentMixin, View):
    """Store one uploaded PDF (replacing the earlier one of a single-file kind) and go back to the page."""

    def post(self, request, pk):
        if not self.check_editable():
            return redirect(self.application.get_absolute_url())
        form = UploadForm(request.POST, request.FILES)
        kind = request.POST.get("kind", "")
        anchor = f"evidence-{kind}" if kind in dict(form.fields["kind"].choices) else ""
        tag = f"upload-{kind}"
        if not form.is_valid():
            errors = [error for field_errors in form.errors.values() for error in field_errors]
            messages.error(request, " ".join(errors), extra_tags=tag)
            return self.back(anchor)
        uploaded = form.cleaned_data["file"]
        name = sanitise_filename(uploaded.name)
        try:
            attachment = attachment_add(
                application=self.application,
                uploaded=uploaded,
                kind=kind,
                by=request.user,
                replace=kind in SINGLE_FILE_KINDS,
            )
        except ValidationError as error:
            messages.error(
                request,
                _("%(name)s was not uploaded: %(reason)s") % {"name": name, "reason": " ".join(error.messages)},
                extra_tags=tag,
            )
            return self.back(anchor)
        except PermissionDenied as denied:
            raise Http404 from denied
        messages.success(request, _("%(name)s has been uploaded.") % {"name": attachment.original_name}, extra_tags=tag)
        return self.back(anchor)


class AttachmentRemoveView(EditAttachmentMixin, View):
    """Delete one of a draft's files."""

    def post(self, request, pk, attachment_pk):
        attachment = get_object_or_404(Attachment, pk=attachment_pk, application=self.application)
        if not self.check_editable():
            return redirect(self.application.get_absolute_url())
        try:
            attachment_remove(attachment=attachment, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.back()
        except PermissionDenied as denied:
            raise Http404 from denied
        messages.success(
            request,
            _("%(name)s has been removed.") % {"name": attachment.original_name},
            extra_tags=f"upload-{attachment.kind}",
        )
        return self.back(f"evidence-{attachment.kind}" if attachment.kind in SINGLE_FILE_KINDS else "")


class AttachmentDownloadView(ApplicationMixin, View):
    """Serve a file to those who may see it (404 for everyone else), always as a download."""

    permission = "applications.view_attachment"
    http_method_names = ["get", "head"]

    def get(self, request, pk, attachment_pk):
        attachment = get_object_or_404(Attachment, pk=attachment_pk, application=self.application)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        response = FileResponse(
            handle, as_attachment=True, filename=attachment.original_name, content_type="application/pdf"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns: list = [
    path("ansoegning/<int:pk>/bilag/upload/", AttachmentUploadView.as_view(), name="attachment_upload"),
    path("ansoegning/<int:pk>/bilag/<int:attachment_pk>/", AttachmentDownloadView.as_view(), name="attachment"),
    path(
        "ansoegning/<int:pk>/bilag/<int:attachment_pk>/slet/",
        AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
]
