"""The demo of governance part 2: one gold label expiring within three months, one lapsed, one organisation
with a plan to become gold, a held meeting with minutes and open action items, the next one's agenda built;
send_reminders --dry-run lists the reminders for it; seeding twice adds nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from governance.demo_watch import HELD_TITLE, NEXT_TITLE
from governance.models import ActionItem, GoldPlan, ReminderSent, StatusMeeting
from governance.selectors.watch import GoldState, gold_statuses, local_today

pytestmark = pytest.mark.django_db


def test_demo_watch(demo):
    today = local_today()
    from governance.models import Grant

    grants = list(Grant.objects.filter(call=demo).order_by("pk"))
    statuses = gold_statuses(organisation_ids=[g.organisation_id for g in grants], day=today)
    first, second, third = (statuses[g.organisation_id] for g in grants[:3])
    assert first.state == GoldState.GOLD and first.label.valid_until <= today + dt.timedelta(days=92)
    assert second.state == GoldState.LAPSED
    assert [s.state for s in statuses.values()].count(GoldState.LAPSED) == 1  # only the one
    assert third.state == GoldState.PLAN and GoldPlan.objects.filter(organisation_id=grants[2].organisation_id).exists()
    held = StatusMeeting.objects.get(call=demo, title=HELD_TITLE)
    assert held.is_held and held.minutes
    assert ActionItem.objects.filter(meeting=held, status="open").count() == 2
    upcoming = StatusMeeting.objects.get(call=demo, title=NEXT_TITLE)
    assert upcoming.agenda and {o["id"] for o in upcoming.agenda["organisations"]} == {
        grants[0].organisation_id,
        grants[1].organisation_id,
    }
    assert [a["title"] for a in upcoming.agenda["organisations"][0]["actions"]] or [
        a["title"] for a in upcoming.agenda["organisations"][1]["actions"]
    ]
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("expires_in_3m\t") for line in lines)
    assert any(line.startswith("expired\t") for line in lines)
    assert any(line.startswith("overdue\t") and "deltagerliste" in line for line in lines)
    assert not ReminderSent.objects.exists()
    call_command("seed_demo", stdout=StringIO())
    assert StatusMeeting.objects.filter(call=demo).count() == 2
