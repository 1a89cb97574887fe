"""Facts about an application, for the section pages' query: SQL subqueries compiled once per database.

The step guide says which sections are complete. A section page loads its own rows; for the other sections
the guide needs only a fact each (whether a requirement lacks an answer, whether an activity breaks the
call's actor rule, ...), and those are annotations on the application's own query, no query of their own.
The requester's membership of the organisation is one more (the page's permission checks read it).
Django resolves and compiles an annotation's subqueries anew for every query, which costs much more than
running them, so each is compiled to SQL once (`_compiled`) and reused.
"""

from functools import cache

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from .models import (
    Activity,
    ActivityActor,
    ActorType,
    Application,
    Attachment,
    BoardMember,
    BudgetLine,
    Criterion,
    CriterionAnswer,
    Location,
    Organisation,
    Partner,
    Requirement,
    RequirementAnswer,
)
from .requirements import ALL_ATTACHMENT_KINDS, REQUIREMENT_KINDS


# What the step guide's completeness needs beyond the rows a page loads anyway, as annotations on the
# application's own query (a subquery each, no query of its own), by the related rows each stands for: a page
# that prefetches any of those rows (`prefetch`) skips the annotations and gets the group's other rows
# prefetched, and the step guide reads the rows instead (selectors.INCOMPLETE_BY_FACTS and its readers say which).
# COUNT and SUM are plain SQL functions here, not Django's aggregates: no GROUP BY. Each is compiled to SQL once
# (`_compiled`); tests/applications/test_step_guide_facts.py checks that the facts say what the rows say.
def _of_application(model) -> QuerySet:
    return model.objects.filter(application=OuterRef("pk")).order_by()


def _of_call(model) -> QuerySet:
    return model.objects.filter(call=OuterRef("call_id")).order_by()


# What Python's str.strip() strips (the characters for which str.isspace() is true; a test checks the list)
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


class _Strip(Func):
    """SQL for Python's `text.strip()`: BTRIM (PostgreSQL), TRIM (SQLite) of the characters in WHITESPACE."""

    function = "BTRIM"
    output_field = TextField()

    def __init__(self, expression, **extra):
        super().__init__(expression, Value(WHITESPACE), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="TRIM", **extra)


def _unanswered(model, answers, key: str) -> Exists:
    """Whether the call has a `model` row (a requirement, a criterion) with no answer in `answers` whose text is
    not blank (blank: `not text.strip()`, as `_requirement_missing` and `_criteria_missing` read the rows)."""
    answered = answers.objects.filter(application=OuterRef(OuterRef("pk")), **{key: OuterRef("pk")})
    answered = answered.alias(stripped=_Strip("text")).exclude(stripped="")
    return Exists(_of_call(model).filter(~Exists(answered)))


def _codes_among(queryset: QuerySet, field: str, codes: tuple[str, ...]) -> Subquery:
    """Which of `codes` the rows of `queryset` carry in `field`, as bits in one number (code i: bit i; None
    without rows); `_codes_of` reads them back. SUM of the distinct bits: each code counts once."""
    bit = Case(*(When(**{field: code}, then=Value(1 << i)) for i, code in enumerate(codes)), default=Value(0))
    total = Func(bit, function="SUM", template="%(function)s(DISTINCT %(expressions)s)")
    return Subquery(queryset.values(n=total))


def codes_of(bits: int | None, codes: tuple[str, ...]) -> set[str]:
    return {code for i, code in enumerate(codes) if (bits or 0) >> i & 1}


# the codes of the requirements the portal knows (their kinds may check what is missing), and the kinds of
# attachments those checks read
KNOWN_REQUIREMENTS = tuple(REQUIREMENT_KINDS)
EVIDENCE_ATTACHMENTS = tuple(sorted(ALL_ATTACHMENT_KINDS))


def _activity_actor_problems_exist() -> Exists:
    """Whether the application has an activity whose actors break the call's rule (`activity_actor_problems`
    in SQL: test_step_guide_facts checks that both agree)."""
    actors = ActivityActor.objects.filter(activity=OuterRef("pk")).order_by()
    requires_company = ExpressionWrapper(OuterRef("call__activity_requires_company"), output_field=BooleanField())
    breaking = _of_application(Activity).alias(
        actor_count=Subquery(actors.values(n=Func("pk", function="COUNT"))),
        has_company=Exists(actors.filter(actor_type=ActorType.COMPANY)),
    )
    return Exists(
        breaking.filter(
            Q(actor_count__lt=OuterRef("call__activity_min_actors")) | (Q(requires_company) & Q(has_company=False))
        )
    )


def _compiled(annotations: dict) -> dict[str, RawSQL]:
    """Return `annotations` (facts about an application) as their SQL, compiled once.

    Django resolves and compiles an expression's subqueries anew for each query, and that costs much more than
    the database's running them. They are compiled here on a query of applications with their call joined, as
    `application_for_editing`'s: their SQL names the outer tables by their own names (its aliases there too).
    """
    query = Application.objects.select_related("call").annotate(**annotations).query
    compiler = query.get_compiler(connection=connection)
    compiled = {}
    for name in annotations:
        expression = query.annotations[name]
        sql, params = compiler.compile(expression)
        compiled[name] = RawSQL(sql, params, output_field=expression.output_field)  # noqa: S611 (Django's SQL)
    return compiled


@cache  # compiled once per database (see `_compiled`)
def step_guide_facts(vendor: str) -> dict[tuple[str, ...], dict]:
    return {relations: _compiled(annotations) for relations, annotations in _step_guide_fact_expressions().items()}


def _step_guide_fact_expressions() -> dict[tuple[str, ...], dict]:
    applied = F("board_amount") + F("ufm_amount")
    return {
        ("call__requirements", "requirement_answers"): {
            "requirements_unanswered": _unanswered(Requirement, RequirementAnswer, "requirement"),
            "requirement_kinds": _codes_among(_of_call(Requirement), "code", KNOWN_REQUIREMENTS),
        },
        ("call__criteria", "criterion_answers"): {
            "criteria_unanswered": _unanswered(Criterion, CriterionAnswer, "criterion"),
            "criteria_ask_for_locations": Exists(_of_call(Criterion).filter(asks_for_locations=True)),
        },
        ("attachments",): {
            "evidence_attachments": _codes_among(_of_application(Attachment), "kind", EVIDENCE_ATTACHMENTS)
        },
        ("board_members",): {
            "board_member_count": Subquery(_of_application(BoardMember).values(n=Func("pk", function="COUNT")))
        },
        ("locations",): {"has_headquarters": Exists(_of_application(Location).filter(kind=Location.Kind.HEADQUARTERS))},
        ("activities",): {
            "has_activities": Exists(_of_application(Activity)),
            "activity_problems": _activity_actor_problems_exist(),
        },
        ("partners",): {"has_partners": Exists(_of_application(Partner))},
        ("budget_lines",): {  # None without budget lines
            "budget_applied": Subquery(_of_application(BudgetLine).values(n=Func(applied, function="SUM")))
        },
    }


# the user's id in the membership's SQL compiled once (no user has it), replaced by the requesting user's
ANY_USER = -20_261_203


@cache  # compiled once per database (see `_compiled`)
def _membership_sql(vendor: str) -> RawSQL:
    members = Organisation.members.through.objects.filter(organisation=OuterRef("organisation_id"), user=ANY_USER)
    compiled = _compiled({"user_is_member": Exists(members)})["user_is_member"]
    assert compiled.params.count(ANY_USER) == 1, compiled.params
    return compiled


def membership(vendor: str, user_pk: int) -> RawSQL:
    """Whether the user `user_pk` is a member of the application's organisation (`Exists`, compiled once)."""
    compiled = _membership_sql(vendor)
    params = tuple(user_pk if param == ANY_USER else param for param in compiled.params)
    return RawSQL(compiled.sql, params, output_field=compiled.output_field)  # noqa: S611 (Django's SQL)
