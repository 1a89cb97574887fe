"""Generated documents' pages: the versions of a document about one subject (and the generate form), one
version's status (polled with HTMX while it renders), the download, and a retry of a failed version.

Every kind says which permission generates it and which downloads it (clusterfund.documents). A user who
holds neither on the subject gets 404, as if it did not exist; one who may see the versions but not
generate gets 403 on the generate and retry buttons.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views import View

from .documents import (
    DocumentKind,
    document_downloaded,
    document_kind,
    document_request,
    document_retry,
    document_subject,
    documents_of,
)
from .models import GeneratedDocument
from .views_base import PermissionObjectMixin


def _kind_or_404(kind: str) -> DocumentKind:
    try:
        return document_kind(kind)
    except LookupError as missing:
        raise Http404 from missing


def _subject_url(spec: DocumentKind, subject) -> str | None:
    if spec.subject_url is None:
        return None
    try:
        return spec.subject_url(subject)
    except NoReverseMatch:
        return None  # the subject's own page is not there (yet); the document pages work without it


class DocumentAccessMixin(PermissionObjectMixin):
    """Loads the kind and the subject; 404 unless the user may generate or download that kind about it."""

    def load_subject(self) -> tuple[DocumentKind, object]:
        """Return the kind and the subject the URL names (the subject None if it does not exist)."""
        raise NotImplementedError

    def get_permission_object(self):
        self.spec, self.subject = self.load_subject()
        if self.subject is None:
            raise Http404
        return self.subject

    def has_permission(self) -> bool:
        user = self.request.user
        self.can_generate = user.has_perm(self.spec.can_generate, self.subject)
        self.can_download = user.has_perm(self.spec.can_download, self.subject)
        return self.can_generate or self.can_download

    def require_generate(self) -> None:
        if not self.can_generate:
            raise PermissionDenied

    def page_context(self) -> dict:
        return {
            "spec": self.spec,
            "kind_title": self.spec.title,
            "subject": self.subject,
            "subject_label": self.spec.subject_label(self.subject),
            "subject_url": _subject_url(self.spec, self.subject),
            "can_generate": self.can_generate,
            "can_download": self.can_download,
            "list_url": reverse("documents:list", args=[self.spec.slug, self.subject.pk]),
        }


class DocumentListView(DocumentAccessMixin, View):
    """The versions of one kind of document about one subject, newest first, and the generate form."""

    def load_subject(self):
        spec = _kind_or_404(self.kwargs["kind"])
        return spec, spec.subject_model._default_manager.filter(pk=self.kwargs["object_id"]).first()

    def get(self, request, kind, object_id, form=None, errors=None, status=200):
        if form is None and self.spec.options_form is not None and self.can_generate:
            form = self.spec.options_form()
        return render(
            request,
            "documents/list.html",
            {
                **self.page_context(),
                "documents": list(documents_of(kind=self.spec.slug, subject=self.subject)),
                "form": form,
                "errors": errors or [],
            },
            status=status,
        )

    def post(self, request, kind, object_id):
        self.require_generate()
        options = {}
        form = None
        if self.spec.options_form is not None:
            form = self.spec.options_form(request.POST)
            if not form.is_valid():
                return self.get(request, kind, object_id, form=form, status=422)
            options = form.cleaned_data
        try:
            document = document_request(
                kind=self.spec.slug,
                subject=self.subject,
                by=request.user,
                options=options,
                language=settings.LANGUAGE_CODE,
            )
        except ValidationError as error:
            return self.get(request, kind, object_id, form=form, errors=error.messages, status=422)
        return redirect("documents:status", pk=document.pk)


class DocumentMixin(DocumentAccessMixin):
    """Loads one version by pk, and its kind and subject; 404 as for the list."""

    def load_subject(self):
        self.document = get_object_or_404(
            GeneratedDocument.objects.select_related("requested_by", "content_type"), pk=self.kwargs["pk"]
        )
        return _kind_or_404(self.document.kind), document_subject(self.document)


class DocumentStatusView(DocumentMixin, View):
    """One version: waiting, being generated (the page polls a fragment every second), ready or failed."""

    def get(self, request, pk):
        context = {**self.page_context(), "document": self.document}
        if getattr(request, "htmx", False):
            # the status, and the facts below it out of band (hx-swap-oob), so both show the same moment
            return render(request, "documents/_poll.html", {**context, "oob": True})
        return render(request, "documents/status.html", context)


class DocumentDownloadView(DocumentMixin, View):
    """The PDF of a finished version, for those who may download the kind; every download is audited."""

    def get(self, request, pk):
        document = self.document
        if not self.can_download or document.status != GeneratedDocument.Status.DONE or not document.file:
            raise Http404
        handle = document.file.open("rb")
        document_downloaded(document=document, by=request.user)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=self.spec.file_name(document),
            content_type="application/pdf",
        )


class DocumentRetryView(DocumentMixin, View):
    """Queue a failed version again (same number, same snapshot)."""

    def post(self, request, pk):
        self.require_generate()
        try:
            document = document_retry(document=self.document, by=request.user)
        except ValidationError:
            return redirect("documents:status", pk=pk)  # finished meanwhile (another tab): show what it is
        return redirect("documents:status", pk=document.pk)


app_name = "documents"

urlpatterns = [
    path("<slug:kind>/<int:object_id>/", DocumentListView.as_view(), name="list"),
    path("<int:pk>/", DocumentStatusView.as_view(), name="status"),
    path("<int:pk>/hent/", DocumentDownloadView.as_view(), name="download"),
    path("<int:pk>/proev-igen/", DocumentRetryView.as_view(), name="retry"),
]
