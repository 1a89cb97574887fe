"""What every application page shares: permission checks (404 for what is not yours), the step guide,
optimistic versioning, autosave answers for HTMX, and keeping what was typed when a session expired."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from clusterfund.fields import posted_int
from clusterfund.views_base import PermissionObjectMixin

from ..models import Application, Call, SectionState
from ..sections import SECTIONS_BY_CODE
from ..selectors import application_for_editing, section_status
from ..services import VersionConflict

STASH_KEY = "unsaved_drafts"


class CallPermissionMixin(PermissionObjectMixin):
    """Load the call named by `slug`; 404 unless the user holds `permission` on it (review and allocation)."""

    permission: str

    def get_permission_object(self):
        self.call = get_object_or_404(Call, slug=self.kwargs["slug"])
        return self.call


def posted_version(request, *, missing: int) -> int:
    """Return the section version the form was loaded at (`missing` if none was posted, -1 if garbled).

    The conflict alert's "Save my version over theirs" button sits above the form and submits the
    colleague's newer version as `version`; it comes first in the POST, before the form's hidden input.
    """
    return posted_int(request, "version", missing=missing, garbled=-1)


def stash_post(request) -> None:
    """Keep a POST's text fields in the session, keyed by path, so a login can give them back."""
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    stash = request.session.get(STASH_KEY, {})
    stash[request.path] = data
    request.session[STASH_KEY] = stash


def pop_stash(request):
    """Return (and forget) the text kept for this path, as a QueryDict-like dict of lists, or None."""
    stash = request.session.get(STASH_KEY, {})
    data = stash.pop(request.path, None)
    if data is not None:
        request.session[STASH_KEY] = stash
    return data


class ApplicationMixin(PermissionObjectMixin):
    """Load the application named in the URL; 404 unless the user may see it (and may `permission` it)."""

    permission = "applications.view_application"
    # whether the page shows the step guide: then a GET loads what its completeness needs with the application
    # (a POST mostly answers with a redirect or an autosave's status; when it shows the page, the step guide
    # queries what it needs itself)
    step_guide = False
    # the related rows the page and its forms read, loaded with the application (lookups or Prefetch objects)
    prefetch: tuple = ()

    def get_permission_object(self):
        try:
            self.application = application_for_editing(
                pk=self.kwargs["pk"],
                user=self.request.user,
                step_guide=self.step_guide and self.request.method in ("GET", "HEAD"),
                prefetch=self.prefetch,
            )
        except Application.DoesNotExist as missing:
            raise Http404 from missing
        return self.application

    def has_permission(self) -> bool:
        # not theirs: 404, do not even confirm that it exists
        user = self.request.user
        return user.has_perm("applications.view_application", self.application) and super().has_permission()

    def handle_anonymous(self, request):
        if request.method == "POST":
            # The session expired while the applicant was typing: keep the text for after the login.
            stash_post(request)
            login_url = f"{reverse('login')}?{urlencode({'next': request.path})}"
            if request.headers.get("HX-Request"):
                return render(request, "applications/_save_status.html", {"expired": True, "login_url": login_url})
            messages.warning(request, _("Your session expired. Log in again: what you typed has been kept."))
        return super().handle_anonymous(request)


class SectionView(ApplicationMixin, View):
    """One section of the application: GET shows it, POST saves it (whole page or HTMX autosave).

    Subclasses set `section` and `template_name` and implement `get_forms(data)` (a dict of bound or
    unbound forms/formsets) and `save_section(forms, expected_version=...)`, which passes the valid forms'
    data to the section's one service (applications/services_sections.py) and returns the section's new state.
    """

    section: str
    template_name: str
    step_guide = True

    def get_forms(self, data=None) -> dict:
        raise NotImplementedError

    def save_section(self, forms: dict, *, expected_version: int) -> SectionState:
        raise NotImplementedError

    def extra_context(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        stashed = pop_stash(request)
        if stashed is not None and request.user.has_perm("applications.edit_application", self.application):
            from django.http import QueryDict

            data = QueryDict(mutable=True)
            for key, values in stashed.items():
                data.setlist(key, values)
            messages.warning(
                request,
                _("We kept what you typed when your session expired. It is not saved yet: check it and press Save."),
            )
            return self.render_page(self.get_forms(data), version=int(data.get("version", 0) or 0))
        return self.render_page(self.get_forms(), version=None)

    def post(self, request, *args, **kwargs):
        htmx = bool(request.headers.get("HX-Request"))
        if not request.user.has_perm("applications.edit_application", self.application):
            message = _("The application has been submitted and can no longer be changed.")
            if htmx:
                return render(request, "applications/_save_status.html", {"error": message})
            messages.error(request, message)
            return redirect(self.application.get_absolute_url())
        forms = self.get_forms(request.POST)
        expected = posted_version(request, missing=0)
        if not all(form.is_valid() for form in forms.values()):
            if htmx:
                return render(request, "applications/_save_status.html", {"invalid": True})
            return self.render_page(forms, version=expected, status=422)
        try:
            state = self.save_section(forms, expected_version=expected)
        except VersionConflict as conflict:
            context = {"conflict": conflict.state}
            if htmx:
                return render(request, "applications/_save_status.html", context)
            return self.render_page(forms, version=expected, status=409, **context)
        except ValidationError as error:
            if htmx:
                return render(request, "applications/_save_status.html", {"error": " ".join(error.messages)})
            messages.error(request, " ".join(error.messages))
            return self.render_page(forms, version=expected, status=422)
        if htmx:
            return render(request, "applications/_save_status.html", {"state": state})
        saved_at = timezone.localtime(state.saved_at)
        messages.success(request, _("Saved at %(time)s.") % {"time": saved_at.strftime("%H:%M")})
        return redirect(request.path)

    def render_page(self, forms: dict, *, version: int | None, status: int = 200, **extra) -> HttpResponse:
        """Render the section; `version` None means the section's saved version (read with the step guide)."""
        steps = section_status(application=self.application)
        if version is None:
            state = next(step["state"] for step in steps if step["section"].code == self.section)
            version = state.version if state else 0
        context = {
            "application": self.application,
            "call": self.application.call,
            "section": SECTIONS_BY_CODE[self.section],
            "steps": steps,
            "version": version,
            "editable": self.request.user.has_perm("applications.edit_application", self.application),
            **forms,
            **self.extra_context(),
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)


class ListSectionView(SectionView):
    """A section that is a list page (its items are edited elsewhere): it has no form of its own to save."""

    http_method_names = ["get", "head", "options"]

    def get_forms(self, data=None) -> dict:
        return {}
