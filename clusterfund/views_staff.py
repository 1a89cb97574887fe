"""The portal's own staff pages for the project as a whole: the administration's start, users (new users
invited by e-mail) and roles,
and the read-only audit log. Calls are configured on applications' pages, the frames on allocation's."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from .forms_staff import AuditFilterForm, InvitationResendForm, UserAccessForm, UserCreateForm, UserFilterForm
from .models import AuditEvent, User
from .roles import roles_of
from .selectors import audit_actions, audit_changes, audit_events, audit_object_links, users_for_administration
from .services_users import user_access_set, user_create, user_invitation_resend, user_is_invited
from .views_base import PermissionObjectMixin

PAGE_SIZE = 50


class StaffPermissionMixin(PermissionObjectMixin):
    """Log in first; then 403 unless the user holds `permission` (a permission about no object)."""

    permission: str


def page_of(request, items):
    """Return the requested page of `items` (the last one for a page number past the end, the first for garbage)."""
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("side"))


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("side", None)
    return query.urlencode()


class AdministrationView(StaffPermissionMixin, View):
    permission = "clusterfund.use_administration"

    def get(self, request):
        return render(request, "clusterfund/staff/index.html")


class UserListView(StaffPermissionMixin, View):
    permission = "clusterfund.manage_users"

    def get(self, request):
        form = UserFilterForm(request.GET)
        filters = form.cleaned_data if form.is_valid() else {}
        users = users_for_administration(
            search=filters.get("q", ""), role=filters.get("role", ""), active=filters.get("active", "")
        )
        page = page_of(request, users)
        rows = [(user, sorted(group.name for group in user.groups.all())) for user in page]
        context = {"form": form, "page": page, "rows": rows, "query": query_without_page(request)}
        return render(request, "clusterfund/staff/users.html", context)


def base_url(request) -> str:
    """Return scheme and host of this request (for links in e-mails), without a trailing slash."""
    return request.build_absolute_uri("/").rstrip("/")


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's errors on `form`: on the field they name, else on the form as a whole."""
    for field, field_messages in getattr(error, "message_dict", {None: error.messages}).items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


class UserCreateView(StaffPermissionMixin, View):
    """A new user: created without a password and e-mailed an invitation to choose one."""

    permission = "clusterfund.manage_users"

    def render_page(self, form, *, status=200):
        return render(self.request, "clusterfund/staff/user_create.html", {"form": form}, status=status)

    def get(self, request):
        return self.render_page(UserCreateForm())

    def post(self, request):
        form = UserCreateForm(request.POST)
        if not form.is_valid():
            return self.render_page(form, status=422)
        data = form.cleaned_data
        try:
            user = user_create(
                full_name=data["full_name"],
                email=data["email"],
                roles=data["roles"],
                language=data["language"],
                by=request.user,
                base_url=base_url(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_page(form, status=422)
        messages.success(
            request,
            _("%(user)s is created and has been sent an invitation to choose a password.") % {"user": user.email},
        )
        return redirect("staff_user", pk=user.pk)


class UserAccessView(StaffPermissionMixin, View):
    permission = "clusterfund.manage_users"

    def render_page(self, user, form, *, status=200, errors=()):
        events = AuditEvent.objects.for_object(user)[:20]
        context = {
            "person": user,
            "form": form,
            "errors": errors,
            "events": events,
            "invited": user_is_invited(user),
            "resend_form": InvitationResendForm(prefix="invitation"),
        }
        return render(self.request, "clusterfund/staff/user.html", context, status=status)

    def get(self, request, pk):
        user = get_object_or_404(User, pk=pk)
        initial = {"roles": sorted(roles_of(user)), "is_active": user.is_active}
        return self.render_page(user, UserAccessForm(initial=initial))

    def post(self, request, pk):
        user = get_object_or_404(User, pk=pk)
        form = UserAccessForm(request.POST)
        if not form.is_valid():
            return self.render_page(user, form, status=422)
        try:
            changes = user_access_set(
                user=user, roles=form.cleaned_data["roles"], is_active=form.cleaned_data["is_active"], by=request.user
            )
        except ValidationError as error:
            return self.render_page(user, form, status=422, errors=[{"message": m} for m in error.messages])
        if any(changes.values()):
            messages.success(request, _("The access of %(user)s is saved.") % {"user": user.email})
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("staff_user", pk=user.pk)


class InvitationResendView(StaffPermissionMixin, View):
    """Send a user who has not chosen a password yet a new invitation (POST only)."""

    permission = "clusterfund.manage_users"

    def post(self, request, pk):
        user = get_object_or_404(User, pk=pk)
        form = InvitationResendForm(request.POST, prefix="invitation")
        language = form.cleaned_data["language"] if form.is_valid() else "da"
        try:
            user_invitation_resend(user=user, by=request.user, base_url=base_url(request), language=language)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("A new invitation is sent to %(user)s.") % {"user": user.email})
        return redirect("staff_user", pk=user.pk)


class AuditLogView(StaffPermissionMixin, View):
    """The audit log, newest first, filtered and paginated; read-only (it is append-only anyway)."""

    permission = "clusterfund.browse_audit_log"

    def get(self, request):
        form = AuditFilterForm(request.GET, actions=audit_actions())
        filters = form.cleaned_data if form.is_valid() else {}
        events = audit_events(
            action=filters.get("action", ""),
            actor=filters.get("actor", ""),
            obj=filters.get("obj", ""),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
        page = page_of(request, events)
        links = audit_object_links(page, viewer=request.user)
        rows = [(event, audit_changes(event), links.get(event.pk)) for event in page]
        context = {"form": form, "page": page, "rows": rows, "query": query_without_page(request)}
        return render(request, "clusterfund/staff/audit_log.html", context)


urlpatterns = [
    path("administration/", AdministrationView.as_view(), name="staff_index"),
    path("administration/brugere/", UserListView.as_view(), name="staff_users"),
    path("administration/brugere/ny/", UserCreateView.as_view(), name="staff_user_create"),
    path("administration/brugere/<int:pk>/", UserAccessView.as_view(), name="staff_user"),
    path("administration/brugere/<int:pk>/invitation/", InvitationResendView.as_view(), name="staff_user_invitation"),
    path("administration/log/", AuditLogView.as_view(), name="staff_audit_log"),
]
