"""Rows for the grant period (governance): the organisation's grants and plans, the reviewers' queues."""

from tests.access.table import LOGIN, Row, answers

# Organisation A's own pages: its members read them, reviewers of the call too (never the conflicted one).
READ = answers(404, anonymous=LOGIN, applicant=200, reviewers=200)
NOT_POSTED = answers(404, anonymous=LOGIN, applicant=405, reviewers=405)
# What only A's members change while the plan is a draft: reviewers may see the plan, not change it.
EDIT = answers(404, anonymous=LOGIN, applicant=200, reviewers=403)
# What only the call's reviewers see (the conflicted reviewer sees the call but not A's grant in it).
CALL_STAFF = answers(404, anonymous=LOGIN, reviewers=200, conflicted=200)

ROWS = [
    Row("governance:my_grants", get=answers(200, anonymous=LOGIN), post=answers(405, anonymous=LOGIN)),
    Row(
        "governance:grants",
        lambda w: {"slug": w.call.slug},
        get=CALL_STAFF,
        post=answers(404, anonymous=LOGIN, secretariat=302, ufm=403, conflicted=302),
    ),
    Row(
        "governance:indicators",
        lambda w: {"slug": w.call.slug},
        get=CALL_STAFF,
        post=answers(404, anonymous=LOGIN, reviewers=405, conflicted=405),
    ),
    Row("governance:grant", lambda w: {"pk": w.grant.pk}, get=READ, post=NOT_POSTED),
    Row("governance:grant_version", lambda w: {"pk": w.grant.pk, "number": 1}, get=READ, post=NOT_POSTED),
    Row(
        "governance:grant_accept",
        lambda w: {"pk": w.grant.pk},
        get=answers(404, anonymous=LOGIN, applicant=405, reviewers=403),
        post=answers(404, anonymous=LOGIN, applicant=302, reviewers=403),
    ),
    Row(
        "governance:grant_source",
        lambda w: {"pk": w.grant.pk},
        get=answers(404, anonymous=LOGIN, applicant=403, secretariat=200, ufm=403),
        post=answers(404, anonymous=LOGIN, applicant=403, secretariat=422, ufm=403),
    ),
    Row(
        "governance:grant_targets",
        lambda w: {"pk": w.grant.pk},
        get=answers(404, anonymous=LOGIN, applicant=403, secretariat=200, ufm=403),
        post=answers(404, anonymous=LOGIN, applicant=403, secretariat=302, ufm=403),
    ),
    Row(
        "governance:plan_start",
        lambda w: {"pk": w.grant.pk, "year": w.grant.first_year + 2},
        get=answers(404, anonymous=LOGIN, applicant=405, reviewers=403),
        post=answers(404, anonymous=LOGIN, applicant=302, reviewers=403),
    ),
    Row(
        "governance:plan_queue",
        lambda w: {"slug": w.call.slug},
        get=CALL_STAFF,
        post=answers(404, anonymous=LOGIN, reviewers=405, conflicted=405),
    ),
    Row("governance:plan", lambda w: {"pk": w.plan.pk}, get=READ, post=NOT_POSTED),
    Row(
        "governance:plan_version",
        lambda w: {"pk": w.submitted_plan.pk, "number": 1},
        get=READ,
        post=NOT_POSTED,
    ),
    Row(
        "governance:plan_aims",
        lambda w: {"pk": w.plan.pk},
        get=EDIT,
        post=answers(404, anonymous=LOGIN, applicant=409, reviewers=403),
    ),
    Row(
        "governance:plan_activity_create",
        lambda w: {"pk": w.plan.pk},
        get=EDIT,
        post=answers(404, anonymous=LOGIN, applicant=422, reviewers=403),
    ),
    Row(
        "governance:plan_activity_edit",
        lambda w: {"pk": w.plan.pk, "activity_pk": w.plan_activity.pk},
        get=EDIT,
        post=answers(404, anonymous=LOGIN, applicant=422, reviewers=403),
    ),
    Row(
        "governance:plan_activity_delete",
        lambda w: {"pk": w.plan.pk, "activity_pk": w.plan_activity.pk},
        get=EDIT,
        post=answers(404, anonymous=LOGIN, applicant=409, reviewers=403),
    ),
    Row(
        "governance:plan_figures",
        lambda w: {"pk": w.plan.pk},
        get=EDIT,
        post=answers(404, anonymous=LOGIN, applicant=409, reviewers=403),
    ),
    Row(
        "governance:plan_submit",
        lambda w: {"pk": w.plan.pk},
        get=EDIT,
        post=answers(404, anonymous=LOGIN, applicant=302, reviewers=403),
    ),
    Row(
        "governance:plan_review",
        lambda w: {"pk": w.submitted_plan.pk},
        get=answers(404, anonymous=LOGIN, applicant=403, reviewers=200),
        post=answers(404, anonymous=LOGIN, applicant=403, reviewers=422),
    ),
    # reports (governance/views/reports.py, overview.py)
    Row(
        "governance:grant_reports",
        lambda w: {"pk": w.grant.pk},
        get=READ,
        post=answers(404, anonymous=LOGIN, applicant=403, secretariat=422, ufm=403),
    ),
    Row(
        "governance:report_start",
        lambda w: {"pk": w.unreported_due.pk},
        get=answers(405, anonymous=LOGIN),
        post=answers(404, anonymous=LOGIN, applicant=302, reviewers=403),
    ),
    Row(
        "governance:report_queue",
        lambda w: {"slug": w.call.slug},
        get=CALL_STAFF,
        post=answers(404, anonymous=LOGIN, reviewers=405, conflicted=405),
    ),
    Row("governance:report", lambda w: {"pk": w.report.pk}, get=READ, post=NOT_POSTED),
    # an empty POST: the accounts and the submission answer with the report page, the others refuse the form
    *(
        Row(
            f"governance:{page}",
            lambda w: {"pk": w.report.pk},
            get=EDIT,
            post=answers(404, anonymous=LOGIN, applicant=answer, reviewers=403),
        )
        for page, answer in (
            ("report_content", 422),
            ("report_accounts", 302),
            ("report_submit", 302),
            ("report_attachment_add", 422),
        )
    ),
    Row(
        "governance:report_participants",
        lambda w: {"pk": w.report.pk},
        get=READ,
        post=answers(404, anonymous=LOGIN, applicant=422, reviewers=403),
    ),
    Row(
        "governance:report_attachment",
        lambda w: {"pk": w.report.pk, "attachment_pk": w.report_attachment.pk},
        get=READ,
        post=NOT_POSTED,
    ),
    Row(
        "governance:report_review",
        lambda w: {"pk": w.submitted_report.pk},
        get=answers(404, anonymous=LOGIN, applicant=403, reviewers=200),
        post=answers(404, anonymous=LOGIN, applicant=403, reviewers=422),
    ),
    Row(
        "governance:overview",
        lambda w: {"slug": w.call.slug},
        get=CALL_STAFF,
        post=answers(404, anonymous=LOGIN, reviewers=405, conflicted=405),
    ),
    *(
        Row(
            "governance:overview_export",
            lambda w, fmt=fmt: {"slug": w.call.slug, "fmt": fmt},
            label=fmt,
            get=CALL_STAFF,
            post=answers(404, anonymous=LOGIN, reviewers=405, conflicted=405),
        )
        for fmt in ("csv", "xlsx")
    ),
    Row(
        "governance:register_export",
        lambda w: {"pk": w.grant.pk, "fmt": "csv"},
        get=READ,
        post=NOT_POSTED,
    ),
    # the gold-label watch, the status dialogue and the portfolio dashboard (views/watch.py, dialogue.py,
    # dashboard.py); A's held meeting
    Row("governance:gold", lambda w: {"org": w.organisation.pk}, get=READ, post=NOT_POSTED),
    *(
        Row(
            f"governance:{page}",
            lambda w: {"org": w.organisation.pk},
            get=answers(404, anonymous=LOGIN, applicant=405, secretariat=405, ufm=403),
            post=answers(404, anonymous=LOGIN, applicant=422, secretariat=422, ufm=403),
        )
        for page in ("gold_register", "gold_plan")
    ),
    Row(
        "governance:gold_certificate",
        lambda w: {"org": w.organisation.pk, "pk": w.gold_label.pk},
        get=READ,
        post=NOT_POSTED,
    ),
    Row(
        "governance:gold_labels",
        lambda w: {"slug": w.call.slug},
        get=CALL_STAFF,
        post=answers(404, anonymous=LOGIN, reviewers=405, conflicted=405),
    ),
    Row("governance:reminder_language", get=answers(405, anonymous=LOGIN), post=answers(302, anonymous=LOGIN)),
    Row(
        "governance:meetings",
        lambda w: {"slug": w.call.slug},
        get=CALL_STAFF,
        post=answers(404, anonymous=LOGIN, reviewers=422, conflicted=422),
    ),
    Row("governance:my_meetings", get=answers(200, anonymous=LOGIN), post=answers(405, anonymous=LOGIN)),
    Row("governance:meeting", lambda w: {"pk": w.meeting.pk}, get=READ, post=NOT_POSTED),
    # the world's meeting is held: its agenda and minutes are closed to everyone (403), the planned case is in
    # tests/governance/test_watch_views.py
    *(
        Row(
            f"governance:{page}",
            lambda w: {"pk": w.meeting.pk},
            get=answers(404, anonymous=LOGIN, applicant=403, reviewers=403),
            post=answers(404, anonymous=LOGIN, applicant=403, reviewers=403),
        )
        for page in ("meeting_agenda", "meeting_minutes")
    ),
    Row(
        "governance:action_item_create",
        lambda w: {"pk": w.meeting.pk},
        get=answers(404, anonymous=LOGIN, applicant=403, reviewers=405),
        post=answers(404, anonymous=LOGIN, applicant=403, reviewers=422),
    ),
    Row(
        "governance:action_item_status",
        lambda w: {"pk": w.action_item.pk},
        get=answers(405, anonymous=LOGIN),
        post=answers(404, anonymous=LOGIN, applicant=403, reviewers=302),
    ),
    Row(
        "governance:dashboard",
        lambda w: {"slug": w.call.slug},
        get=answers(404, anonymous=LOGIN, reviewers=200, subcommittee=200, conflicted=200),
        post=answers(404, anonymous=LOGIN, reviewers=405, subcommittee=405, conflicted=405),
    ),
    Row(
        "governance:dashboard_export",
        lambda w: {"slug": w.call.slug, "table": "organisations", "fmt": "csv"},
        get=answers(404, anonymous=LOGIN, reviewers=200, subcommittee=200, conflicted=200),
        post=answers(404, anonymous=LOGIN, reviewers=405, subcommittee=405, conflicted=405),
    ),
]
