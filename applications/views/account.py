"""Registration, organisations, invitations and the organisation dashboard.

Links in e-mails only show a page; the change they stand for (confirming an account, joining an
organisation) is a POST from a button on that page, so a mail scanner that follows links changes nothing.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from clusterfund.views_base import PermissionObjectMixin, safe_next

from ..forms_account import InviteForm, MessageForm, OrganisationForm, RegisterForm, ResendConfirmationForm
from ..models import Organisation
from ..services import organisation_update
from ..services_account import (
    INVITATION_MAX_AGE,
    LinkExpired,
    LinkInvalid,
    confirmation_check,
    confirmation_resend,
    email_matches,
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_expires_at,
    invitations_for_email,
    message_send,
    organisation_dashboard,
    organisation_register,
    pending_invitations,
    user_confirm,
    user_is_unconfirmed,
    user_register,
)

LOGIN_BACKEND = "clusterfund.backends.PortalBackend"


def base_url(request) -> str:
    """Return scheme and host of this request (for links in e-mails), without a trailing slash."""
    return request.build_absolute_uri("/").rstrip("/")


def form_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form (field errors on their fields)."""
    form.add_error(None, error)


# --- registration -------------------------------------------------------------------------------


class RegisterView(View):
    """Create an account; it stays inactive until the link we e-mail is opened."""

    template_name = "applications/account/register.html"

    def get(self, request):
        if request.user.is_authenticated:
            return redirect("start")
        initial = {"next": safe_next(request, request.GET.get("next", "")), "email": request.GET.get("email", "")}
        return render(request, self.template_name, {"form": RegisterForm(initial=initial)})

    def post(self, request):
        if request.user.is_authenticated:
            return redirect("start")
        form = RegisterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = user_register(
                    full_name=data["full_name"],
                    email=data["email"],
                    password=data["password1"],
                    base_url=base_url(request),
                    next_url=safe_next(request, data["next"]),
                )
            except ValidationError as error:
                form_error(form, error)
            else:
                request.session["registered_email"] = user.email
                return redirect("applications:register_sent")
        return render(request, self.template_name, {"form": form}, status=422)


class RegisterSentView(View):
    def get(self, request):
        return render(
            request, "applications/account/register_sent.html", {"email": request.session.get("registered_email", "")}
        )


class ConfirmView(View):
    """The link in the confirmation e-mail: GET shows a button, POST activates the account and logs in."""

    def check(self, request, token):
        """Return (user, next_url), or a response that explains why the link cannot be used."""
        try:
            user, next_url = confirmation_check(token=token)
        except LinkExpired as expired:
            form = ResendConfirmationForm(initial={"email": expired.payload.get("e", "")})
            context = {"problem": "expired", "form": form}
            return None, render(request, "applications/account/confirm_problem.html", context, status=400)
        except LinkInvalid:
            context = {"problem": "invalid", "form": ResendConfirmationForm()}
            return None, render(request, "applications/account/confirm_problem.html", context, status=400)
        if not user_is_unconfirmed(user):
            if user.is_active:
                messages.info(request, _("Your e-mail address is already confirmed. You can log in."))
                if request.user.is_authenticated:
                    return None, redirect("start")
                return None, redirect_to_login(next_url or reverse("start"))
            context = {"problem": "invalid", "form": ResendConfirmationForm()}
            return None, render(request, "applications/account/confirm_problem.html", context, status=400)
        return (user, next_url), None

    def get(self, request, token):
        found, problem = self.check(request, token)
        if problem:
            return problem
        user, _next = found
        return render(request, "applications/account/confirm.html", {"account": user})

    def post(self, request, token):
        found, problem = self.check(request, token)
        if problem:
            return problem
        user, next_url = found
        user = user_confirm(user=user)
        login(request, user, backend=LOGIN_BACKEND)
        messages.success(request, _("Your e-mail address is confirmed and you are logged in."))
        return redirect(safe_next(request, next_url) or reverse("applications:organisation_create"))


class ResendConfirmationView(View):
    template_name = "applications/account/resend.html"

    def get(self, request):
        form = ResendConfirmationForm(initial={"email": request.GET.get("email", "")})
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = ResendConfirmationForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=422)
        confirmation_resend(email=form.cleaned_data["email"], base_url=base_url(request))
        # The same answer whether or not the address has an unconfirmed account.
        messages.info(
            request,
            _("If %(email)s belongs to an account that is not confirmed yet, we have sent a new link to it.")
            % {"email": form.cleaned_data["email"]},
        )
        request.session["registered_email"] = form.cleaned_data["email"]
        return redirect("applications:register_sent")


# --- organisations ------------------------------------------------------------------------------


class OrganisationMixin(PermissionObjectMixin):
    """Load the organisation in the URL; anonymous users log in first, others without `permission` get 404."""

    permission = "applications.view_organisation"

    def get_permission_object(self):
        self.organisation = get_object_or_404(Organisation, pk=self.kwargs["pk"])
        return self.organisation


class OrganisationCreateView(PermissionObjectMixin, View):
    permission = "applications.create_organisation"
    template_name = "applications/account/organisation_form.html"

    def render_page(self, form, status=200):
        context = {"form": form, "invitations": invitations_for_email(self.request.user.email), "creating": True}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_page(OrganisationForm())

    def post(self, request):
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                organisation = organisation_register(by=request.user, **form.service_fields())
            except ValidationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": organisation.name})
                return redirect("applications:organisation", pk=organisation.pk)
        return self.render_page(form, status=422)


class OrganisationEditView(OrganisationMixin, View):
    permission = "applications.change_organisation"
    template_name = "applications/account/organisation_form.html"

    def get(self, request, pk):
        form = OrganisationForm(instance=self.organisation)
        return render(request, self.template_name, {"form": form, "organisation": self.organisation})

    def post(self, request, pk):
        # The form works on its own copy: the service compares the stored values with the new ones.
        form = OrganisationForm(request.POST, instance=Organisation.objects.get(pk=self.organisation.pk))
        if form.is_valid():
            try:
                organisation_update(organisation=self.organisation, by=request.user, **form.service_fields())
            except ValidationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("The organisation's details are saved."))
                return redirect("applications:organisation", pk=pk)
        return render(request, self.template_name, {"form": form, "organisation": self.organisation}, status=422)


class OrganisationDashboardView(OrganisationMixin, View):
    """The organisation's page: details, members, invitations, applications, calls to apply to, messages."""

    def get(self, request, pk):
        return render(
            request,
            "applications/account/organisation.html",
            {
                "dashboard": organisation_dashboard(self.organisation),
                "organisation": self.organisation,
                "can_change": request.user.has_perm("applications.change_organisation", self.organisation),
                "can_invite": request.user.has_perm("applications.invite_member", self.organisation),
            },
        )


class InviteView(OrganisationMixin, View):
    permission = "applications.invite_member"
    template_name = "applications/account/invite.html"

    def render_page(self, form, status=200):
        context = {
            "organisation": self.organisation,
            "form": form,
            "invitations": pending_invitations(self.organisation),
            "valid_days": INVITATION_MAX_AGE.days,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(InviteForm())

    def post(self, request, pk):
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                invitation = invitation_create(
                    organisation=self.organisation,
                    email=form.cleaned_data["email"],
                    by=request.user,
                    base_url=base_url(request),
                )
            except ValidationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("We have sent an invitation to %(email)s.") % {"email": invitation.email})
                return redirect("applications:organisation", pk=pk)
        return self.render_page(form, status=422)


class InvitationView(View):
    """The link in an invitation: explains it, and lets the invited person (logged in) join with a button.

    Only an account with the invited e-mail address (compared case-insensitively) can accept, so a forwarded
    or leaked link does not let someone else into the organisation.
    """

    template_name = "applications/account/invitation.html"

    def page(self, request, problem: str, status: int = 200, **context):
        return render(request, self.template_name, {"problem": problem, **context}, status=status)

    def load(self, request, token):
        """Return (invitation, None) or (None, a response that explains the problem)."""
        try:
            invitation = invitation_check(token=token)
        except LinkExpired:
            return None, self.page(request, "expired", status=400)
        except LinkInvalid:
            return None, self.page(request, "invalid", status=400)
        if invitation.accepted_at is not None:
            is_member = (
                request.user.is_authenticated and invitation.organisation.members.filter(pk=request.user.pk).exists()
            )
            return None, self.page(request, "used", invitation=invitation, is_member=is_member)
        return invitation, None

    def get(self, request, token):
        invitation, problem = self.load(request, token)
        if problem:
            return problem
        context = {"invitation": invitation, "organisation": invitation.organisation}
        context["expires_at"] = invitation_expires_at(invitation)
        if not request.user.is_authenticated:
            query = urlencode({"next": request.path})
            context["login_url"] = f"{reverse('login')}?{query}"
            context["register_url"] = (
                f"{reverse('applications:register')}?{urlencode({'next': request.path, 'email': invitation.email})}"
            )
            return self.page(request, "anonymous", **context)
        if not email_matches(request.user, invitation):
            return self.page(request, "wrong_email", status=403, **context)
        if invitation.organisation.members.filter(pk=request.user.pk).exists():
            context["is_member"] = True
        return self.page(request, "", **context)

    def post(self, request, token):
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        invitation, problem = self.load(request, token)
        if problem:
            return problem
        if not email_matches(request.user, invitation):
            context = {"invitation": invitation, "organisation": invitation.organisation}
            return self.page(request, "wrong_email", status=403, **context)
        try:
            joined = invitation_accept(invitation=invitation, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("start")
        if joined:
            messages.success(request, _("You now act for %(name)s.") % {"name": invitation.organisation.name})
        else:
            messages.info(request, _("You were already a member of %(name)s.") % {"name": invitation.organisation.name})
        return redirect("applications:organisation", pk=invitation.organisation_id)


# --- the secretariat's messages -----------------------------------------------------------------


class SecretariatMixin(PermissionObjectMixin):
    """Only for holders of applications.send_message (the secretariat; 403 for others); anonymous users log in."""

    permission = "applications.send_message"


class OrganisationListView(SecretariatMixin, View):
    """Every registered organisation, for the secretariat to find one and write to it."""

    def get(self, request):
        query = request.GET.get("q", "").strip()
        organisations = Organisation.objects.order_by("name")
        if query:
            organisations = organisations.filter(Q(name__icontains=query) | Q(cvr__startswith=query.replace(" ", "")))
        return render(
            request,
            "applications/account/organisation_list.html",
            {"organisations": list(organisations), "query": query},
        )


class MessageSendView(SecretariatMixin, View):
    template_name = "applications/account/message_form.html"

    def render_page(self, organisation, form, status=200):
        sent = list(organisation.messages.select_related("sent_by").order_by("-sent_at", "-pk"))
        context = {"organisation": organisation, "form": form, "sent": sent}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(get_object_or_404(Organisation, pk=pk), MessageForm())

    def post(self, request, pk):
        organisation = get_object_or_404(Organisation, pk=pk)
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                message_send(
                    organisation=organisation,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    by=request.user,
                    base_url=base_url(request),
                )
            except ValidationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("The message has been sent to %(name)s.") % {"name": organisation.name})
                return redirect("applications:organisation_message", pk=pk)
        return self.render_page(organisation, form, status=422)


urlpatterns = [
    path("konto/opret/", RegisterView.as_view(), name="register"),
    path("konto/opret/sendt/", RegisterSentView.as_view(), name="register_sent"),
    path("konto/bekraeft/ny/", ResendConfirmationView.as_view(), name="resend_confirmation"),
    path("konto/bekraeft/<str:token>/", ConfirmView.as_view(), name="confirm"),
    path("organisation/ny/", OrganisationCreateView.as_view(), name="organisation_create"),
    path("organisation/<int:pk>/", OrganisationDashboardView.as_view(), name="organisation"),
    path("organisation/<int:pk>/rediger/", OrganisationEditView.as_view(), name="organisation_edit"),
    path("organisation/<int:pk>/inviter/", InviteView.as_view(), name="organisation_invite"),
    path("organisation/<int:pk>/besked/", MessageSendView.as_view(), name="organisation_message"),
    path("organisationer/", OrganisationListView.as_view(), name="organisation_list"),
    path("invitation/<str:token>/", InvitationView.as_view(), name="invitation"),
]
