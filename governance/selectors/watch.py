"""Reads for the gold-label watch and the reminders: each organisation's gold state on a day, and every
pending dated item (an action plan, a report date, a gold label, a plan to become gold, an action item) with
its due date, from which the reminders, the banners, the dashboard's late items and the agenda are made.

All of it is computed for a given `today` (a date in Europe/Copenhagen), so tests and `send_reminders
--today` can pin the day.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import Organisation

from ..models import (
    ActionItem,
    ActionPlan,
    GoldLabel,
    GoldPlan,
    GovernanceSettings,
    Grant,
    ReportDue,
    WatchSettings,
)


def local_today() -> dt.date:
    """Return today's date in Europe/Copenhagen."""
    return timezone.localdate()


def add_months(day: dt.date, months: int) -> dt.date:
    """Return `day` moved by `months` (negative: back), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


# --- the gold state ------------------------------------------------------------------------------


class GoldState:
    """What the organisation's gold evidence says on a day; only GOLD and PLAN meet the condition."""

    GOLD = "gold"  # a valid gold label
    PLAN = "plan"  # a plan to become gold whose target date has not passed
    LAPSED = "lapsed"  # the newest label has lapsed
    PLAN_OVERDUE = "plan_overdue"  # the plan's target date has passed without a gold label
    MISSING = "missing"  # neither a valid label nor a plan

    MET = frozenset({GOLD, PLAN})


def gold_state_labels() -> dict[str, str]:
    return {
        GoldState.GOLD: _("Gold label valid"),
        GoldState.PLAN: _("Plan to become gold"),
        GoldState.LAPSED: _("Label lapsed: condition not met"),
        GoldState.PLAN_OVERDUE: _("Target date passed: condition not met"),
        GoldState.MISSING: _("No label or plan: condition not met"),
    }


@dataclass
class GoldStatus:
    """An organisation's gold evidence on `day`: its newest label and plan and the state they give."""

    day: dt.date
    label: GoldLabel | None
    plan: GoldPlan | None
    state: str

    @property
    def condition_met(self) -> bool:
        return self.state in GoldState.MET

    @property
    def state_label(self) -> str:
        return gold_state_labels()[self.state]


def gold_status_of(*, label: GoldLabel | None, plan: GoldPlan | None, day: dt.date) -> GoldStatus:
    """Return the gold state given the newest label and the newest plan.

    A label is valid through its valid-until date; from the day after it has lapsed, and stays so until a newer
    label is registered (a plan does not cure a lapsed label). Without a valid gold label the organisation
    meets the condition only while its newest plan's target date has not passed.
    """
    if label is not None and label.valid_until < day:
        state = GoldState.LAPSED
    elif label is not None and label.level == GoldLabel.Level.GOLD:
        state = GoldState.GOLD
    elif plan is not None:
        # no label yet, or a valid bronze or silver one: the plan says when gold comes
        state = GoldState.PLAN if plan.target_date >= day else GoldState.PLAN_OVERDUE
    else:
        state = GoldState.MISSING
    return GoldStatus(day=day, label=label, plan=plan, state=state)


def gold_statuses(*, organisation_ids: Iterable[int], day: dt.date | None = None) -> dict[int, GoldStatus]:
    """Return the gold status per organisation id on `day` (default today), in two queries."""
    day = day or local_today()
    ids = list(organisation_ids)
    labels: dict[int, GoldLabel] = {}
    for label in GoldLabel.objects.filter(organisation_id__in=ids, audited_on__lte=day).order_by(
        "organisation_id", "-audited_on", "-pk"
    ):
        labels.setdefault(label.organisation_id, label)
    plans: dict[int, GoldPlan] = {}
    for plan in GoldPlan.objects.filter(organisation_id__in=ids).order_by("organisation_id", "-registered_at", "-pk"):
        plans.setdefault(plan.organisation_id, plan)
    return {pk: gold_status_of(label=labels.get(pk), plan=plans.get(pk), day=day) for pk in ids}


def gold_status(*, organisation: Organisation, day: dt.date | None = None) -> GoldStatus:
    """Return one organisation's gold status on `day` (default today)."""
    return gold_statuses(organisation_ids=[organisation.pk], day=day)[organisation.pk]


def gold_history(*, organisation: Organisation) -> tuple[list[GoldLabel], list[GoldPlan]]:
    """Return the organisation's labels (newest first) and plans (newest first)."""
    labels = list(GoldLabel.objects.filter(organisation=organisation).select_related("registered_by"))
    plans = list(GoldPlan.objects.filter(organisation=organisation).select_related("registered_by"))
    return labels, plans


# --- pending dated items -------------------------------------------------------------------------


@dataclass
class WatchItem:
    """Something an organisation owes by a date and has not yet done."""

    key: str  # e.g. "report:12"; the reminders' item
    what: str  # plan | report | gold_label | gold_plan | action
    organisation: Organisation
    due_on: dt.date
    call_id: int | None
    params: dict = field(default_factory=dict)
    url: str = ""

    def label(self) -> str:
        """Return what the item is, in the active language."""
        p = self.params
        if self.what == "plan":
            return _("Action plan %(year)s") % {"year": p["year"]}
        if self.what == "report":
            return _("%(kind)s due %(due)s") % {
                "kind": str(ReportDue.Kind(p["kind"]).label),
                "due": self.due_on.strftime("%d.%m.%Y"),
            }
        if self.what == "gold_label":
            return _("%(level)s label (valid until %(until)s)") % {
                "level": str(GoldLabel.Level(p["level"]).label),
                "until": self.due_on.strftime("%d.%m.%Y"),
            }
        if self.what == "gold_plan":
            return _("Plan to become gold by %(date)s") % {"date": self.due_on.strftime("%d.%m.%Y")}
        return _("Action item: %(title)s") % {"title": p["title"]}

    def days_left(self, today: dt.date) -> int:
        return (self.due_on - today).days

    def banner(self, today: dt.date) -> str:
        """Return 'Due in 3 days', 'Due today' or '5 days overdue' for `today` (gold labels: 'Expires ...')."""
        left = self.days_left(today)
        if left > 0:
            if self.what == "gold_label":
                return ngettext("Expires in %(count)s day", "Expires in %(count)s days", left) % {"count": left}
            return ngettext("Due in %(count)s day", "Due in %(count)s days", left) % {"count": left}
        if left == 0:
            return _("Expires today") if self.what == "gold_label" else _("Due today")
        late = -left
        if self.what == "gold_label":
            return ngettext("Expired %(count)s day ago", "Expired %(count)s days ago", late) % {"count": late}
        return ngettext("%(count)s day overdue", "%(count)s days overdue", late) % {"count": late}


def _plan_due(settings: GovernanceSettings, year: int) -> dt.date:
    month, day = (int(part) for part in settings.plan_due_date.split("-"))
    try:
        return dt.date(year - 1, month, day)
    except ValueError:
        return dt.date(year - 1, month, 28)


def _watched_grants(organisation_ids: Iterable[int] | None) -> list[Grant]:
    grants = Grant.objects.select_related("organisation", "call").order_by("organisation__name", "pk")
    if organisation_ids is not None:
        grants = grants.filter(organisation_id__in=list(organisation_ids))
    return list(grants)


def _governance_settings(grants: list[Grant]) -> dict[int, GovernanceSettings]:
    """Return the governance settings per call id (unsaved defaults for calls without settings, no query)."""
    gov_settings = {s.call_id: s for s in GovernanceSettings.objects.filter(call_id__in={g.call_id for g in grants})}
    for grant in grants:
        gov_settings.setdefault(
            grant.call_id, GovernanceSettings(call=grant.call, erdf_statement_dates=["02-28", "08-31"])
        )
    return gov_settings


def _plan_items(grant: Grant, settings: GovernanceSettings, plans: dict[int, ActionPlan]) -> list[WatchItem]:
    """Return the grant's action plans not yet first submitted, one per year of the grant."""
    from django.urls import reverse

    items = []
    for year in range(grant.first_year, grant.last_year + 1):
        plan = plans.get(year)
        if plan is not None and plan.submitted_at is not None:
            continue
        items.append(
            WatchItem(
                key=f"plan:{grant.pk}:{year}",
                what="plan",
                organisation=grant.organisation,
                due_on=_plan_due(settings, year),
                call_id=grant.call_id,
                params={"year": year},
                url=reverse("governance:grant", args=[grant.pk]),
            )
        )
    return items


def _report_items(grant: Grant, dues: list[ReportDue]) -> list[WatchItem]:
    """Return the grant's reporting dates whose report is not yet first submitted."""
    from django.urls import reverse

    items = []
    for due in dues:
        report = getattr(due, "report", None)  # the reverse one-to-one raises AttributeError when missing
        if report is not None and report.first_submitted_at is not None:
            continue
        items.append(
            WatchItem(
                key=f"report:{due.pk}",
                what="report",
                organisation=grant.organisation,
                due_on=due.due_on,
                call_id=grant.call_id,
                params={"kind": due.kind},
                url=reverse("governance:grant", args=[grant.pk]),
            )
        )
    return items


def _gold_items(organisations: dict[int, Organisation], first_call: dict[int, int], today: dt.date) -> list[WatchItem]:
    """Return each organisation's newest gold label, and its newest plan to become gold while not gold."""
    from django.urls import reverse

    items = []
    for pk, status in gold_statuses(organisation_ids=organisations.keys(), day=today).items():
        organisation = organisations[pk]
        url = reverse("governance:gold", args=[pk])
        if status.label is not None:
            items.append(
                WatchItem(
                    key=f"gold:{status.label.pk}",
                    what="gold_label",
                    organisation=organisation,
                    due_on=status.label.valid_until,
                    call_id=first_call[pk],
                    params={"level": status.label.level},
                    url=url,
                )
            )
        if status.plan is not None and status.state != GoldState.GOLD:
            items.append(
                WatchItem(
                    key=f"goldplan:{status.plan.pk}",
                    what="gold_plan",
                    organisation=organisation,
                    due_on=status.plan.target_date,
                    call_id=first_call[pk],
                    url=url,
                )
            )
    return items


def _action_items(organisation_ids: Iterable[int] | None, organisations: dict[int, Organisation]) -> list[WatchItem]:
    """Return the open action items (of the organisations given, if any are)."""
    from django.urls import reverse

    actions = ActionItem.objects.filter(status=ActionItem.Status.OPEN).select_related("organisation", "meeting")
    if organisation_ids is not None:
        actions = actions.filter(organisation_id__in=list(organisations) or list(organisation_ids))
    return [
        WatchItem(
            key=f"action:{action.pk}",
            what="action",
            organisation=action.organisation,
            due_on=action.due_on,
            call_id=action.meeting.call_id,
            params={"title": action.title},
            url=reverse("governance:meeting", args=[action.meeting_id]),
        )
        for action in actions
    ]


def pending_items(
    *, today: dt.date, organisation_ids: Iterable[int] | None = None, include_gold: bool = True
) -> list[WatchItem]:
    """Return every item not yet done, whatever its date, for the organisations given (default: all with a grant).

    Plans are due on the call's plan due date in the year before (pending until first submitted); report dates
    are pending until their report is first submitted; the newest gold label is watched until a newer one is
    registered, the newest plan to become gold until a gold label is; action items while open. A fixed number
    of queries, however many organisations.
    """
    grants = _watched_grants(organisation_ids)
    gov_settings = _governance_settings(grants)
    plans = defaultdict(dict)
    for plan in ActionPlan.objects.filter(grant__in=grants).only("pk", "grant_id", "year", "submitted_at"):
        plans[plan.grant_id][plan.year] = plan
    dues = defaultdict(list)
    for due in ReportDue.objects.filter(grant__in=grants).select_related("report").order_by("due_on", "pk"):
        dues[due.grant_id].append(due)
    items: list[WatchItem] = []
    organisations: dict[int, Organisation] = {}
    first_call: dict[int, int] = {}
    for grant in grants:
        organisations[grant.organisation_id] = grant.organisation
        first_call.setdefault(grant.organisation_id, grant.call_id)
        items += _plan_items(grant, gov_settings[grant.call_id], plans[grant.pk])
        items += _report_items(grant, dues[grant.pk])
    if include_gold and organisations:
        items += _gold_items(organisations, first_call, today)
    items += _action_items(organisation_ids, organisations)
    items.sort(key=lambda item: (item.organisation.name, item.due_on, item.key))
    return items


def watch_settings_by_call(call_ids: Iterable[int]) -> dict[int, WatchSettings]:
    """Return the reminder settings per call id (unsaved defaults where none are kept)."""
    from applications.models import Call

    ids = set(call_ids)
    found = {s.call_id: s for s in WatchSettings.objects.filter(call_id__in=ids)}
    for call in Call.objects.filter(pk__in=ids - set(found)):
        found[call.pk] = WatchSettings.for_call(call)
    return found


@dataclass
class Banner:
    """One line on the organisation's pages: what is due, and how soon or how late."""

    item: WatchItem
    text: str
    is_late: bool


def banners_for(*, organisation_ids: Iterable[int], today: dt.date | None = None) -> list[Banner]:
    """Return the banners for the organisations' pages: items due within the call's first reminder (30 days
    by default; gold labels within the first expiry reminder) and every late one, most urgent first."""
    today = today or local_today()
    items = pending_items(today=today, organisation_ids=organisation_ids)
    thresholds = watch_settings_by_call({item.call_id for item in items if item.call_id})
    banners = []
    for item in items:
        settings = thresholds.get(item.call_id)
        left = item.days_left(today)
        if item.what == "gold_label":
            months = max(settings.gold_expiry_months or [6]) if settings else 6
            show = today >= add_months(item.due_on, -months)
        else:
            days = max(settings.due_soon_days or [30]) if settings else 30
            show = left <= days
        if show:
            banners.append(Banner(item=item, text=item.banner(today), is_late=left < 0))
    banners.sort(key=lambda banner: (banner.item.due_on, banner.item.key))
    return banners
