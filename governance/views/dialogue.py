"""The status dialogue pages: the call's meetings for staff (and planning one), a meeting with its built agenda,
its minutes and action items, the minutes form, action items, and the organisation's own meetings. A meeting
the user may not see (another organisation's, or one with an organisation the reviewer is conflicted on)
answers 404."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from applications.models import Organisation
from applications.views.base import CallPermissionMixin
from clusterfund.documents import documents_of
from clusterfund.fields import posted_int
from clusterfund.roles import Role
from clusterfund.views_base import PermissionObjectMixin

from ..documents_dialogue import KIND as MINUTES
from ..forms_dialogue import ActionItemForm, MeetingForm, MinutesForm
from ..models import ActionItem, StatusMeeting
from ..rules import conflicted_application_ids, member_organisation_ids
from ..selectors.watch import local_today
from ..services.dialogue import (
    action_item_add,
    action_item_set_status,
    meeting_agenda_build,
    meeting_create,
    meeting_minutes_save,
)


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class MeetingsView(CallPermissionMixin, View):
    """The call's status meetings (staff) and the form to plan one (POST)."""

    permission = "governance.view_meetings"

    def _form(self, data=None):
        conflicted = conflicted_application_ids(self.request.user)
        organisations = Organisation.objects.filter(grants__call=self.call).exclude(
            grants__application_id__in=conflicted
        )
        staff = (
            get_user_model()
            .objects.filter(
                is_active=True,
                groups__name__in=[Role.SECRETARIAT.value, Role.UFM.value],
                review_assignments__application__call=self.call,
            )
            .distinct()
            .order_by("full_name", "email")
        )
        return MeetingForm(data, organisations=organisations.distinct().order_by("name"), participants=staff)

    def get(self, request, slug, form=None, status=200):
        conflicted = conflicted_application_ids(request.user)
        meetings = (
            StatusMeeting.objects.filter(call=self.call)
            .exclude(organisations__grants__application_id__in=conflicted)
            .prefetch_related("organisations")
            .order_by("-meets_on", "-pk")
        )
        can_create = request.user.has_perm("governance.create_meeting", self.call)
        return render(
            request,
            "governance/dialogue/meetings.html",
            {
                "call": self.call,
                "meetings": list(meetings),
                "form": form or (self._form() if can_create else None),
                "can_create": can_create,
            },
            status=status,
        )

    def post(self, request, slug):
        if not request.user.has_perm("governance.create_meeting", self.call):
            raise PermissionDenied
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = meeting_create(
                    call=self.call,
                    title=data["title"],
                    meets_on=data["meets_on"],
                    organisations=list(data["organisations"]),
                    participants=list(data["participants"]),
                    other_participants=data["other_participants"],
                    by=request.user,
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("The meeting is planned. Build its agenda when you prepare it."))
                return redirect(meeting.get_absolute_url())
        return self.get(request, slug, form=form, status=422)


class MeetingMixin(PermissionObjectMixin):
    """Load `self.meeting` from the URL's `pk`; 404 unless the user may see it; 403 without `permission`."""

    permission = "governance.view_meeting"

    def get_permission_object(self):
        self.meeting = get_object_or_404(StatusMeeting.objects.select_related("call"), pk=self.kwargs["pk"])
        return self.meeting

    def has_permission(self) -> bool:
        return self.request.user.has_perm("governance.view_meeting", self.meeting)

    def check_access(self, request):
        super().check_access(request)
        self.require(self.permission)
        return None


class MeetingView(MeetingMixin, View):
    """One meeting: its agenda (built from the data), minutes and action items."""

    def get(self, request, pk, item_form=None, status=200):
        meeting = self.meeting
        user = request.user
        can_prepare = user.has_perm("governance.prepare_meeting", meeting)
        can_manage = user.has_perm("governance.manage_action_items", meeting)
        mine = member_organisation_ids(user)
        items = meeting.action_items.select_related("organisation").order_by("due_on", "pk")
        if not can_manage:
            items = items.filter(organisation_id__in=mine)  # an organisation sees its own action items
        agenda = meeting.agenda or {}
        parts = agenda.get("organisations", [])
        if not can_manage:
            parts = [part for part in parts if part["id"] in mine]
        # the earlier meetings' action items on the agenda, with their status as it is now
        ids = [action["id"] for part in parts for action in part.get("actions", [])]
        live = dict(ActionItem.objects.filter(pk__in=ids).values_list("pk", "status"))
        parts = [
            {**part, "actions": [{**a, "status": live.get(a["id"], "")} for a in part.get("actions", [])]}
            for part in parts
        ]
        return render(
            request,
            "governance/dialogue/meeting.html",
            {
                "meeting": meeting,
                "call": meeting.call,
                "organisations": list(meeting.organisations.order_by("name")),
                "participants": list(meeting.participants.order_by("full_name", "email")),
                "agenda": agenda,
                "agenda_parts": parts,
                "items": list(items),
                "can_prepare": can_prepare,
                "can_manage": can_manage,
                "item_form": item_form or (ActionItemForm(meeting=meeting) if can_manage else None),
                "statuses": ActionItem.Status,
                "minutes_kind": MINUTES,
                "minutes_pdfs": list(documents_of(kind=MINUTES, subject=meeting)[:1]) if meeting.is_held else [],
                "today": local_today(),
            },
            status=status,
        )


class MeetingAgendaView(MeetingMixin, View):
    """Build (or rebuild) the agenda from the data (POST)."""

    permission = "governance.prepare_meeting"
    http_method_names = ["post"]

    def post(self, request, pk):
        meeting_agenda_build(meeting=self.meeting, by=request.user)
        messages.success(request, _("The agenda is built from today's data."))
        return redirect(self.meeting.get_absolute_url())


class MeetingMinutesView(MeetingMixin, View):
    """Write the minutes; save them as a draft or publish them (the meeting is then held)."""

    permission = "governance.prepare_meeting"

    def get(self, request, pk, form=None, status=200):
        return render(
            request,
            "governance/dialogue/minutes.html",
            {
                "meeting": self.meeting,
                "call": self.meeting.call,
                "form": form or MinutesForm(initial={"minutes": self.meeting.minutes}),
                "revision": self.meeting.revision,
            },
            status=status,
        )

    def post(self, request, pk):
        form = MinutesForm(request.POST)
        if form.is_valid():
            publish = request.POST.get("action") == "publish"
            try:
                meeting_minutes_save(
                    meeting=self.meeting,
                    minutes=form.cleaned_data["minutes"],
                    publish=publish,
                    revision=posted_int(request, "revision"),
                    by=request.user,
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                if publish:
                    messages.success(request, _("The minutes are published; the organisations have been told."))
                    return redirect(self.meeting.get_absolute_url())
                messages.success(request, _("The minutes are saved as a draft."))
                return redirect("governance:meeting_minutes", pk=self.meeting.pk)
        return self.get(request, pk, form=form, status=422)


class ActionItemCreateView(MeetingMixin, View):
    """Add an action item to the meeting (POST)."""

    permission = "governance.manage_action_items"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = ActionItemForm(request.POST, meeting=self.meeting)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action_item_add(
                    meeting=self.meeting,
                    organisation=data["organisation"],
                    title=data["title"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                    by=request.user,
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("The action item is added."))
                return redirect(self.meeting.get_absolute_url())
        return MeetingView.get(self, request, pk, item_form=form, status=422)


class ActionItemStatusView(PermissionObjectMixin, View):
    """Close (done or dropped) or reopen an action item (POST)."""

    http_method_names = ["post"]
    unhandled_method_first = True  # a GET answers 405 to everybody logged in

    def get_permission_object(self):
        return get_object_or_404(ActionItem.objects.select_related("meeting"), pk=self.kwargs["pk"])

    def has_permission(self) -> bool:
        return self.request.user.has_perm("governance.view_meeting", self.permission_object.meeting)

    def check_access(self, request):
        super().check_access(request)
        self.require("governance.manage_action_items")
        return None

    def post(self, request, pk):
        item = self.permission_object
        try:
            action_item_set_status(item=item, status=request.POST.get("status", ""), by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The action item's status is saved."))
        # closed from a later meeting's agenda: back to that meeting
        back = StatusMeeting.objects.filter(pk=posted_int(request, "meeting")).first()
        if back is not None and request.user.has_perm("governance.view_meeting", back):
            return redirect(back.get_absolute_url())
        return redirect(item.meeting.get_absolute_url())


class MyMeetingsView(PermissionObjectMixin, View):
    """The user's organisations' held meetings (minutes) and their open action items."""

    def get(self, request):
        mine = member_organisation_ids(request.user)
        meetings = list(
            StatusMeeting.objects.filter(organisations__in=mine, status=StatusMeeting.Status.HELD)
            .distinct()
            .select_related("call")
            .prefetch_related("organisations")
            .order_by("-meets_on", "-pk")
        )
        items = list(
            ActionItem.objects.filter(
                organisation_id__in=mine, status=ActionItem.Status.OPEN, meeting__status=StatusMeeting.Status.HELD
            )
            .select_related("organisation", "meeting")
            .order_by("due_on", "pk")
        )
        return render(
            request,
            "governance/dialogue/mine.html",
            {"meetings": meetings, "items": items, "today": local_today()},
        )


urlpatterns = [
    path("styring/opslag/<slug:slug>/styringsdialog/", MeetingsView.as_view(), name="meetings"),
    path("styring/styringsdialog/", MyMeetingsView.as_view(), name="my_meetings"),
    path("styring/styringsdialog/<int:pk>/", MeetingView.as_view(), name="meeting"),
    path("styring/styringsdialog/<int:pk>/dagsorden/", MeetingAgendaView.as_view(), name="meeting_agenda"),
    path("styring/styringsdialog/<int:pk>/referat/", MeetingMinutesView.as_view(), name="meeting_minutes"),
    path("styring/styringsdialog/<int:pk>/handlinger/", ActionItemCreateView.as_view(), name="action_item_create"),
    path("styring/handlingspunkt/<int:pk>/status/", ActionItemStatusView.as_view(), name="action_item_status"),
]
