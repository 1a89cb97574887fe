"""The recommendation memo to the minister: per area the ranked applications with scores, requirement verdicts,
recommendations and the reasons for ineligibility; versions keep their figures; who may generate and download."""

import pytest
from django.urls import reverse

from applications.models import Application
from clusterfund.documents import document_request
from clusterfund.models import GeneratedDocument
from review.models import Assignment, JointAssessment, JointScore, RequirementCheck
from review.selectors.matrix import review_matrix
from tests.clusterfund.pdfcheck import pdf_info, pdf_text
from tests.factories.review import AssignmentFactory, SubmittedApplicationFactory, agree, score_all

KIND = "recommendation-memo"


def _application(call, area_name: str, name: str, consensus, *, eligible=True, recommend=True):
    application = SubmittedApplicationFactory(
        call=call, business_area=call.areas.get(name=area_name), status=Application.Status.UNDER_REVIEW
    )
    application.organisation.name = name
    application.organisation.save()
    assignment = AssignmentFactory(application=application)
    score_all(assignment, list(consensus), submit=True)
    joint = agree(application, list(consensus), eligible=eligible)
    if not recommend:
        JointAssessment.objects.filter(pk=joint.pk).update(recommendation="do_not_recommend")
    return application


@pytest.fixture
def reviewed(call):
    """Two areas: in Miljøteknologi Alfa (4,50) ranks above Beta (3,50) and Gamma is not eligible; in
    Energiteknologi Delta (2,50) is recommended and Epsilon (2,00) is not."""
    apps = {
        "alfa": _application(call, "Miljøteknologi", "Alfa Klyngen", (5, 4, 5, 4)),
        "beta": _application(call, "Miljøteknologi", "Beta Klyngen", (4, 3, 4, 3)),
        "gamma": _application(call, "Miljøteknologi", "Gamma Klyngen", (5, 5, 5, 5), eligible=False, recommend=False),
        "delta": _application(call, "Energiteknologi", "Delta Klyngen", (3, 2, 3, 2)),
        "epsilon": _application(call, "Energiteknologi", "Epsilon Klyngen", (2, 2, 2, 2), recommend=False),
    }
    JointAssessment.objects.filter(application=apps["gamma"]).update(
        eligibility_reasons="Guldmærket var udløbet ved ansøgningsfristen."
    )
    RequirementCheck.objects.filter(assignment__application=apps["gamma"], requirement__code="gold_label").update(
        verdict="not_met"
    )
    return apps


@pytest.fixture
def generate(django_capture_on_commit_callbacks, lead):
    def run(call, by=None):
        with django_capture_on_commit_callbacks(execute=True):
            document = document_request(kind=KIND, subject=call, by=by or lead)
        document.refresh_from_db()
        assert document.status == GeneratedDocument.Status.DONE, document.error
        return document

    return run


def _pdf(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_the_memo_ranks_each_area_by_joint_weighted_score(generate, call, reviewed):
    text = pdf_text(_pdf(generate(call)))
    for name in ("Alfa Klyngen", "Beta Klyngen", "Gamma Klyngen", "Delta Klyngen", "Epsilon Klyngen"):
        assert name in text
    # Danish decimals: Alfa 4,50 (87,50 points), Beta 3,50 (62,50), Delta 2,50 (37,50)
    for figure in ("4,50", "87,50", "3,50", "62,50", "2,50", "37,50"):
        assert figure in text
    assert text.index("Alfa Klyngen") < text.index("Beta Klyngen")
    assert text.index("Miljøteknologi") < text.index("Energiteknologi")  # the call's order of areas


def test_the_snapshot_holds_ranks_scores_verdicts_and_recommendations(generate, call, reviewed):
    data = generate(call).snapshot
    miljo, energi = data["areas"]
    assert [r["name"] for r in miljo["rows"]] == ["Alfa Klyngen", "Beta Klyngen", "Gamma Klyngen"]
    assert [r["rank"] for r in miljo["rows"]] == [1, 2, None]  # the ineligible one is not ranked
    assert miljo["rows"][0]["scores"] == [5, 4, 5, 4]
    assert (miljo["rows"][0]["mean"], miljo["rows"][0]["points"]) == ("4.50", "87.50")
    gold = [r["code"] for r in data["requirements"]].index("gold_label")
    assert miljo["rows"][2]["requirements"][gold]["verdict"] == "not_met"
    assert miljo["rows"][0]["requirements"][gold]["verdict"] == "met"
    assert [r["recommendation"] for r in energi["rows"]] == ["recommend", "do_not_recommend"]
    assert (data["assessed"], data["ineligible"], data["recommended"]) == (5, 1, 3)


def test_the_memo_gives_the_reasons_for_an_ineligible_application(generate, call, reviewed):
    text = pdf_text(_pdf(generate(call)))
    assert "Gamma Klyngen: Guldmærket var udløbet ved ansøgningsfristen." in text


def test_the_indstilling_has_one_bullet_per_area_naming_the_best_recommended(generate, call, reviewed):
    document = generate(call)
    decisions = document.snapshot["decisions"]
    assert len(decisions) == 2
    assert "Alfa Klyngen" in decisions[0] and "Miljøteknologi" in decisions[0] and "4,50" in decisions[0]
    assert "Gamma" not in decisions[0]  # the highest score, but not eligible
    assert "Delta Klyngen" in decisions[1] and "Energiteknologi" in decisions[1]
    text = pdf_text(_pdf(document))
    for decision in decisions:
        assert decision in text


def test_an_area_without_a_recommended_application_is_noted(generate, call, reviewed):
    JointAssessment.objects.filter(application=reviewed["delta"]).update(recommendation="do_not_recommend")
    decisions = generate(call).snapshot["decisions"]
    assert "Energiteknologi" in decisions[1]
    assert "Delta" not in decisions[1] and "Epsilon" not in decisions[1]


def test_a_sensible_number_of_pages(generate, call, reviewed):
    pdf = _pdf(generate(call))
    assert 1 <= int(pdf_info(pdf)["Pages"]) <= 4


def test_version_one_keeps_its_figures_after_the_scores_change(client, generate, call, reviewed, lead):
    first = generate(call)
    first_bytes = _pdf(first)
    # the reviewers agree a new consensus: Beta now scores 5 everywhere and ranks first
    JointScore.objects.filter(joint__application=reviewed["beta"]).update(value=5)
    second = generate(call)
    assert second.version == 2
    assert second.snapshot["areas"][0]["rows"][0]["name"] == "Beta Klyngen"
    assert first.snapshot["areas"][0]["rows"][0]["name"] == "Alfa Klyngen"

    client.force_login(lead)
    response = client.get(reverse("documents:download", args=[first.pk]))
    downloaded = b"".join(response.streaming_content)
    assert downloaded == first_bytes
    first.refresh_from_db()
    assert first.sha256 == GeneratedDocument.objects.get(pk=first.pk).sha256
    old_text, new_text = pdf_text(downloaded), pdf_text(_pdf(second))
    assert "Beta Klyngen 4 3 4 3 3,50 62,50" in old_text
    assert "Beta Klyngen 5 5 5 5 5,00 100,00" in new_text
    assert old_text.index("Alfa Klyngen") < old_text.index("Beta Klyngen")
    assert new_text.index("Beta Klyngen") < new_text.index("Alfa Klyngen")


def test_a_call_without_reviewed_applications_has_no_memo(client, call, lead):
    client.force_login(lead)
    response = client.post(reverse("documents:list", args=[KIND, call.pk]))
    assert response.status_code == 422
    assert "nothing to recommend" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


# --- permissions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "list_status", "generate_status", "download_status"),
    [
        (("secretariat",), 200, 302, 200),
        (("ufm",), 200, 403, 200),
        (("subcommittee_member",), 404, 404, 404),
        (("subcommittee_chair",), 404, 404, 404),
        (("administrator",), 404, 404, 404),
        (("applicant",), 404, 404, 404),
    ],
)
def test_memo_permissions_by_role(
    client, make_user, generate, call, reviewed, roles, list_status, generate_status, download_status
):
    document = generate(call)
    client.force_login(make_user(*roles))
    assert client.get(reverse("documents:list", args=[KIND, call.pk])).status_code == list_status
    assert client.get(reverse("documents:status", args=[document.pk])).status_code == list_status
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == download_status
    assert client.post(reverse("documents:list", args=[KIND, call.pk])).status_code == generate_status


def test_a_reviewer_with_a_conflict_in_the_call_cannot_see_the_memo(client, generate, call, reviewed, make_user):
    document = generate(call)
    reviewer = make_user("ufm")
    AssignmentFactory(
        application=reviewed["beta"],
        reviewer=reviewer,
        side="ufm",
        conflict=Assignment.Conflict.DECLARED,
        conflict_note="Min ægtefælle er direktør.",
    )
    client.force_login(reviewer)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    assert client.get(reverse("documents:list", args=[KIND, call.pk])).status_code == 404


# --- the demo call ------------------------------------------------------------------------------------


def test_the_demo_calls_memo_lists_every_reviewed_organisation(demo, generate, make_user):
    document = generate(demo, by=make_user("secretariat"))
    text = pdf_text(_pdf(document))
    matrix = review_matrix(call=demo, viewer=None)
    assert matrix.rows, "the demo call has reviewed applications"
    for row in matrix.rows:
        assert row.application.organisation.name in text
    for decision in document.snapshot["decisions"]:
        assert decision in text
    ineligible = [r for r in matrix.rows if r.eligible is False]
    for row in ineligible:
        assert row.application.joint_assessment.eligibility_reasons.split()[0] in text
    assert 2 <= document.page_count <= 8
