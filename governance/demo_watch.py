"""Demo data for governance part 2, relative to today: a gold label expiring within three months, one lapsed
label, an organisation with a plan to become gold (and a silver label), a held status meeting with minutes and
open action items (one late), and the next meeting with its agenda built from the data.

Runs after the grants-and-plans seeder (appended to governance.demo.SEEDERS) and goes through the services,
so audit events are real. Idempotent: if the held meeting exists, nothing is added.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.demo import CALL_SLUG
from applications.models import Call

from .models import GoldLabel, Grant, StatusMeeting
from .selectors.watch import GoldState, gold_statuses, local_today
from .services.dialogue import action_item_add, meeting_agenda_build, meeting_create, meeting_minutes_save
from .services.watch import gold_label_register, gold_plan_register

SECRETARIAT = "sekretariat@klyngeportalen.example"  # the demo users (as in governance.demo)
UFM = "ufm@klyngeportalen.example"
HELD_TITLE = "Statusmøde med klyngen"
NEXT_TITLE = "Næste statusmøde"
CERTIFICATE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _say(stdout, text: str) -> None:
    if stdout:
        stdout.write(text)


def _audit_for(valid_until: dt.date) -> dt.date:
    """Return the audit date whose two-year label ends on `valid_until`."""
    start = valid_until + dt.timedelta(days=1)
    try:
        return start.replace(year=start.year - 2)
    except ValueError:
        return start.replace(year=start.year - 2, day=28)


def _label(grant: Grant, *, level: str, valid_until: dt.date, by) -> GoldLabel:
    certificate = SimpleUploadedFile(f"ECEI-{level}.pdf", CERTIFICATE, content_type="application/pdf")
    return gold_label_register(
        organisation=grant.organisation,
        level=level,
        audited_on=_audit_for(valid_until),
        valid_until=valid_until,
        certificate=certificate,
        by=by,
    )


def seed_watch(*, stdout=None) -> None:
    """Add the gold labels, the plan to become gold and the status meetings (idempotent)."""
    call = Call.objects.filter(slug=CALL_SLUG).first()
    users = get_user_model().objects.in_bulk([SECRETARIAT, UFM], field_name="email")
    grants = list(Grant.objects.filter(call=call).select_related("organisation").order_by("pk")) if call else []
    if call is None or len(users) != 2 or len(grants) < 3:
        _say(stdout, "Governance watch: no demo grants; skipped.")
        return
    if StatusMeeting.objects.filter(call=call, title=HELD_TITLE).exists():
        _say(stdout, "Governance watch: the demo's labels and meetings exist already.")
        return
    secretariat, ufm = users[SECRETARIAT], users[UFM]
    today = local_today()
    first, second, third = grants[0], grants[1], grants[2]
    expiring = _label(first, level="gold", valid_until=today + dt.timedelta(days=75), by=secretariat)
    lapsed = _label(second, level="gold", valid_until=today - dt.timedelta(days=20), by=secretariat)
    _label(third, level="silver", valid_until=today + dt.timedelta(days=400), by=secretariat)
    gold_plan_register(
        organisation=third.organisation,
        target_date=today + dt.timedelta(days=240),
        summary="Ny ECEI-audit efter styrkelse af medlemsbasen og den internationale strategi.",
        by=secretariat,
    )
    # the others renewed their gold label (what the application carried over may have lapsed since), so the
    # demo has exactly one organisation of each kind: expiring, lapsed, planning gold
    others = gold_statuses(organisation_ids=[g.organisation_id for g in grants[3:]], day=today)
    for grant in grants[3:]:
        if others[grant.organisation_id].state != GoldState.GOLD:
            _label(grant, level="gold", valid_until=today + dt.timedelta(days=500), by=secretariat)

    held = meeting_create(
        call=call,
        title=HELD_TITLE,
        meets_on=today - dt.timedelta(days=60),
        organisations=[first.organisation],
        participants=[secretariat, ufm],
        other_participants="Klyngens direktør og økonomiansvarlige",
        by=secretariat,
    )
    meeting_agenda_build(meeting=held, by=secretariat, today=today - dt.timedelta(days=62))
    action_item_add(
        meeting=held,
        organisation=first.organisation,
        title="Send den opdaterede deltagerliste med CVR-numre",
        owner="Klyngens direktør",
        due_on=today - dt.timedelta(days=10),
        by=secretariat,
    )
    action_item_add(
        meeting=held,
        organisation=first.organisation,
        title="Aftal tidspunkt for ny ECEI-audit",
        owner="Klyngens direktør",
        due_on=today + dt.timedelta(days=20),
        by=secretariat,
    )
    held.refresh_from_db()
    meeting_minutes_save(
        meeting=held,
        minutes=(
            "1. Handlingsplanen: Aktiviteterne følger planen; internationaliseringen er forsinket et kvartal.\n"
            "2. Indikatorer: Antallet af deltagende SMV'er ligger under det forventede.\n"
            "3. Økonomi: Forbruget af bestyrelsens midler svarer til planen.\n"
            "4. Guldmærket udløber inden for tre måneder; klyngen bestiller ny audit."
        ),
        publish=True,
        revision=held.revision,
        by=secretariat,
    )
    upcoming = meeting_create(
        call=call,
        title=NEXT_TITLE,
        meets_on=today + dt.timedelta(days=14),
        organisations=[first.organisation, second.organisation],
        participants=[secretariat, ufm],
        by=secretariat,
    )
    meeting_agenda_build(meeting=upcoming, by=secretariat, today=today)
    _say(
        stdout,
        f"Governance watch: gold label of {first.organisation.name} valid until {expiring.valid_until}, "
        f"{second.organisation.name}'s lapsed on {lapsed.valid_until}, {third.organisation.name} plans gold; "
        "a held status meeting with minutes and two open action items, the next one with its agenda built.",
    )
