"""The 2021–2024 call as the board memo describes it, and sixteen fictional applicant organisations."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from clusterfund.validators import cvr_with_check_digit

from .models import (
    ActivityType,
    BudgetFrame,
    BusinessArea,
    Call,
    Criterion,
    Funder,
    Milestone,
    Organisation,
    Region,
    Requirement,
)
from .requirements import BOARD_COMPOSITION, GOLD_LABEL, LEGAL_ENTITY, ROBUST_FOUNDATION, VIRKSOMHEDSGUIDEN

CPH = ZoneInfo("Europe/Copenhagen")
CALL_SLUG = "klyngeindsats-2021-2024"

REQUIREMENTS = [
    (
        LEGAL_ENTITY,
        "Er én privat, selvstændig juridisk enhed med eget CVR-nummer, der arbejder på et almennyttigt grundlag",
        "Is one private, independent legal entity with its own CVR number, working on a non-profit basis",
    ),
    (
        ROBUST_FOUNDATION,
        "Opererer på et robust økonomisk og organisatorisk grundlag",
        "Operates on a robust economic and organisational foundation",
    ),
    (
        BOARD_COMPOSITION,
        "Har deltagelse i bestyrelse fra både virksomheder og videninstitutioner",
        "Has both companies and knowledge institutions represented on its board",
    ),
    (
        GOLD_LABEL,
        "Er guldcertificeret eller har en plan mhp. opnåelse af guldcertificering",
        "Holds the gold label or has a plan to reach it",
    ),
    (
        VIRKSOMHEDSGUIDEN,
        "Gør sine ydelser tilgængelige på Virksomhedsguiden",
        "Makes its services available on Virksomhedsguiden",
    ),
]
GOLD_NOTE = (
    "I European Cluster Excellence Initiative garanterer guld, at der er en solid medlemsbase, tæt dialog med "
    "medlemmer, stærk organisation, kvalificeret ledelse, services målrettet virksomheder og en strategi udviklet "
    "sammen med erhvervslivet."
)
GOLD_NOTE_EN = (
    "In the European Cluster Excellence Initiative, gold guarantees a solid membership base, close dialogue with "
    "members, a strong organisation, qualified management, services aimed at companies and a strategy developed "
    "together with business."
)

CRITERIA = [
    (
        "organisation",
        "Organisering, kompetencer og kapacitet",
        "Organisation, competences and capacity",
        "Organisering",
        "Organisation",
        30,
        "Der vægtes bl.a., at indsatsen, der finansieres af bestyrelsen, er tilgængelig for relevante virksomheder i "
        "hele landet på en effektiv måde. Det er muligt at have flere geografiske placeringer, fx via regionale "
        "filialer eller samlokalisering med andre aktører.",
        "Among other things, it counts that the activities funded by the board reach relevant companies throughout "
        "the country effectively. Several locations are possible, e.g. regional branches or co-location with others.",
    ),
    (
        "activities",
        "Kvaliteten og egnetheden af aktiviteterne",
        "Quality and suitability of the activities",
        "Aktiviteter",
        "Activities",
        30,
        "",
        "",
    ),
    (
        "placement",
        "Indsatsens placering i erhvervs- og innovationsfremmesystemet",
        "The initiative's place in the business and innovation promotion system",
        "Placering",
        "Placement",
        20,
        "",
        "",
    ),
    ("partners", "Partnerkredsen", "The partner circle", "Partnerkreds", "Partners", 20, "", ""),
]

ACTIVITY_TYPES = [
    ("innovation", "Innovationssamarbejde", "Innovation collaboration"),
    ("internationalisation", "Internationalisering", "Internationalisation"),
    ("knowledge_dissemination", "Videnspredning", "Knowledge dissemination"),
    ("financing_access", "Adgang til finansiering af innovationsaktiviteter", "Access to finance for innovation"),
    (
        "entrepreneurs",
        "Inddragelse og tilrettelæggelse af aktiviteter for iværksættere",
        "Involving entrepreneurs and organising activities for them",
    ),
    ("networking", "Netværksskabelse", "Networking"),
    (
        "organisation_development",
        "Udvikling af klyngeorganisationen med fokus på at nå en bredere målgruppe i hele landet",
        "Developing the cluster organisation to reach a wider audience throughout the country",
    ),
]

AREAS = [
    ("Miljøteknologi", "Environmental technology"),
    ("Energiteknologi", "Energy technology"),
    ("Fødevarer og bioressourcer", "Food and bio-resources"),
    ("Maritime erhverv og logistik", "Maritime industries and logistics"),
    ("Life science og velfærdsteknologi", "Life science and welfare technology"),
    ("Byggeri og anlæg", "Construction"),
    ("Design, mode og møbler", "Design, fashion and furniture"),
    ("Digitale teknologier", "Digital technologies"),
    ("Robotter, automation og droner", "Robots, automation and drones"),
    ("Turisme", "Tourism"),
]
EMERGING_AREA = ("Nye erhvervs- og teknologiområder", "Emerging business and technology areas")

MILESTONES = [
    ("Annoncering af midlerne", "Call announced", dt.date(2020, 3, 1), Milestone.Precision.MONTH),
    ("Ansøgningsfrist", "Application deadline", dt.date(2020, 5, 15), Milestone.Precision.DAY),
    (
        "Underudvalget mødes og fordeler bestyrelsens midler",
        "The sub-committee meets and splits the board's funds",
        dt.date(2020, 9, 1),
        Milestone.Precision.EARLY_MONTH,
    ),
    (
        "UFM udpeger klyngeorganisationerne",
        "UFM designates the cluster organisations",
        dt.date(2020, 9, 2),
        Milestone.Precision.MONTH,
    ),
    ("Indsatsen er virksom", "Activities start", dt.date(2021, 1, 1), Milestone.Precision.MONTH),
]

# Fictional organisations (invented names); CVR numbers are generated to pass modulus 11.
ORGANISATIONS = [
    ("Grøn Omstilling Klyngen", Region.SYDDANMARK, 0),
    ("Vandteknologisk Klyngeforum", Region.HOVEDSTADEN, 0),
    ("Energiklynge Vestkyst", Region.MIDTJYLLAND, 1),
    ("Power-to-X Netværket Danmark", Region.SYDDANMARK, 1),
    ("Jord til Bord Klyngen", Region.MIDTJYLLAND, 2),
    ("Havnenes Maritime Klynge", Region.NORDJYLLAND, 3),
    ("Sundhedsteknologisk Innovationsklynge", Region.HOVEDSTADEN, 4),
    ("Velfærdsteknologi Syd", Region.SYDDANMARK, 4),
    ("Fremtidens Byggeri Klyngen", Region.SJAELLAND, 5),
    ("Nordisk Møbel- og Designklynge", Region.MIDTJYLLAND, 6),
    ("Digital Danmark Klyngen", Region.HOVEDSTADEN, 7),
    ("Data og AI Fællesskabet", Region.NORDJYLLAND, 7),
    ("Robot- og Droneklyngen Fyn", Region.SYDDANMARK, 8),
    ("Automatiseringsnetværket Midt", Region.MIDTJYLLAND, 8),
    ("Kyst- og Naturturisme Klyngen", Region.NORDJYLLAND, 9),
    ("Kvanteteknologi Klyngen", Region.HOVEDSTADEN, 10),
]


def demo_cvr(index: int) -> str:
    """Return a deterministic, valid, fictional CVR number for demo organisation `index`."""
    base = 3_900_000 + index * 37
    while True:
        cvr = cvr_with_check_digit(str(base))
        if cvr:
            return cvr
        base += 1


def seed_call() -> Call:
    """Create or refresh the 2021–2024 call from the memo and return it."""
    call, _ = Call.objects.update_or_create(
        slug=CALL_SLUG,
        defaults={
            "title": "Fælles klyngeindsats 2021–2024",
            "title_en": "Joint cluster initiative 2021–2024",
            "summary": (
                "Danmarks Erhvervsfremmebestyrelse og Uddannelses- og Forskningsministeriet annoncerer i fællesskab "
                "midler til nationale klyngeorganisationer for perioden 2021–2024. Der udpeges én klyngeorganisation "
                "pr. erhvervs- og teknologiområde. Hovedformålet er kollektive aktiviteter, der fremmer "
                "videnoverførsel og samarbejde mellem virksomheder og med forsknings- og videnmiljøer med henblik "
                "på øget innovation."
            ),
            "summary_en": (
                "The Danish Board of Business Development and the Ministry of Higher Education and Science jointly "
                "announce funds for national cluster organisations for 2021–2024. One cluster organisation is "
                "designated per business and technology area. The main purpose is collective activities that "
                "promote knowledge transfer and collaboration between companies and with research and knowledge "
                "institutions, for more innovation."
            ),
            "period_start": 2021,
            "period_end": 2024,
            "opens_at": dt.datetime(2020, 3, 16, 10, 0, tzinfo=CPH),
            "deadline": dt.datetime(2020, 5, 15, 12, 0, tzinfo=CPH),
            "is_published": True,
            "activity_min_actors": 2,
            "activity_requires_company": True,
        },
    )
    for order, (code, text, text_en) in enumerate(REQUIREMENTS, start=1):
        note, note_en = (GOLD_NOTE, GOLD_NOTE_EN) if code == GOLD_LABEL else ("", "")
        Requirement.objects.update_or_create(
            call=call,
            code=code,
            defaults={"order": order, "text": text, "text_en": text_en, "note": note, "note_en": note_en},
        )
    for order, (code, name, name_en, short, short_en, weight, desc, desc_en) in enumerate(CRITERIA, start=1):
        # The weights are editable in the admin; re-seeding does not undo an edit.
        texts = {
            "order": order,
            "name": name,
            "name_en": name_en,
            "short_name": short,
            "short_name_en": short_en,
            "description": desc,
            "description_en": desc_en,
            "asks_for_locations": code == "organisation",  # national reach is weighted under the first criterion
        }
        Criterion.objects.update_or_create(
            call=call, code=code, defaults=texts, create_defaults={**texts, "weight": weight}
        )
    for order, (code, name, name_en) in enumerate(ACTIVITY_TYPES, start=1):
        ActivityType.objects.update_or_create(
            call=call, code=code, defaults={"order": order, "name": name, "name_en": name_en}
        )
    for order, (name, name_en) in enumerate([*AREAS, EMERGING_AREA], start=1):
        BusinessArea.objects.update_or_create(
            call=call, name=name, defaults={"order": order, "name_en": name_en, "is_emerging": name == EMERGING_AREA[0]}
        )
    for order, (title, title_en, date, precision) in enumerate(MILESTONES, start=1):
        Milestone.objects.update_or_create(
            call=call,
            title=title,
            defaults={"order": order, "title_en": title_en, "date": date, "precision": precision},
        )
    for year in call.years:
        if year <= 2022:
            board = {"source": BudgetFrame.Source.FINANCE_ACT, "source_year": year - 1, "is_conditional": False}
        else:
            board = {"source": BudgetFrame.Source.UNDECIDED, "source_year": None, "is_conditional": True}
        BudgetFrame.objects.update_or_create(
            call=call, year=year, funder=Funder.BOARD, defaults={"amount": 80_000_000, **board}
        )
        BudgetFrame.objects.update_or_create(
            call=call,
            year=year,
            funder=Funder.UFM,
            defaults={
                "amount": 80_000_000,
                "source": BudgetFrame.Source.MINISTRY,
                "source_year": None,
                "is_conditional": False,
            },
        )
    return call


def seed_organisations() -> list[Organisation]:
    """Create or refresh the sixteen fictional applicant organisations and return them."""
    organisations = []
    for index, (name, region, _area) in enumerate(ORGANISATIONS):
        slug = name.lower().replace(" ", "-").replace("ø", "oe").replace("æ", "ae").replace("å", "aa")
        organisation, _ = Organisation.objects.update_or_create(
            cvr=demo_cvr(index),
            defaults={
                "name": name,
                "legal_form": Organisation.LegalForm.ASSOCIATION,
                "is_non_profit": True,
                "address": f"Klyngevej {index + 1}",
                "postcode": f"{5000 + index * 10}",
                "city": "Odense"
                if region == Region.SYDDANMARK
                else "Aarhus"
                if region == Region.MIDTJYLLAND
                else "København"
                if region == Region.HOVEDSTADEN
                else "Aalborg"
                if region == Region.NORDJYLLAND
                else "Roskilde",
                "region": region,
                "website": f"https://{slug}.example",
                "virksomhedsguiden_url": f"https://virksomhedsguiden.dk/erhvervsfremme/{slug}",
            },
        )
        organisations.append(organisation)
    return organisations


PRACTICE_SLUG = "oevelsesopslag-aabent"


def seed_practice_call(template: Call) -> Call:
    """Create, once, an open copy of the memo's call so the demo applicant can draft and submit.

    The memo's own call closed in 2020. The copy opens when it is first seeded and stays open for a
    year; re-seeding leaves its dates (and any drafts in it) alone.
    """
    now = timezone.now()
    practice, created = Call.objects.get_or_create(
        slug=PRACTICE_SLUG,
        defaults={
            "title": "Øvelsesopslag: fælles klyngeindsats (demo)",
            "title_en": "Practice call: joint cluster initiative (demo)",
            "summary": "Et åbent øvelsesopslag med samme krav, kriterier og rammer som opslaget for 2021–2024, "
            "så en ansøger kan prøve hele ansøgningen i demoen.",
            "summary_en": "An open practice call with the requirements, criteria and frames of the 2021–2024 call, "
            "so an applicant can try the whole application in the demo.",
            "period_start": template.period_start,
            "period_end": template.period_end,
            "opens_at": now - dt.timedelta(days=1),
            "deadline": (now + dt.timedelta(days=365))
            .astimezone(CPH)
            .replace(hour=12, minute=0, second=0, microsecond=0),
            "is_published": True,
        },
    )
    if not created:
        return practice
    for model in (Requirement, Criterion, ActivityType, BusinessArea, Milestone):
        for part in model.objects.filter(call=template):
            part.pk = None
            part.call = practice
            part.save()
    for frame in BudgetFrame.objects.filter(call=template):
        frame.pk = None
        frame.call = practice
        frame.save()
    return practice


def seed(*, stdout=None) -> None:
    """Seed the call and the organisations; the demo applicant acts for the first organisation."""
    call = seed_call()
    practice = seed_practice_call(call)
    organisations = seed_organisations()
    applicant = get_user_model().objects.get(email="ansoeger@klyngeportalen.example")
    organisations[0].members.add(applicant)
    if stdout:
        stdout.write(f"Call '{call}' with {len(organisations)} organisations; open practice call '{practice}'.")
