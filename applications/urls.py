from django.urls import path

from .views import (
    account,
    attachments,
    call_admin,
    public,
    sections,
    sections_activities,
    sections_budget,
    sections_criteria,
    sections_partners,
    sections_requirements,
    submission,
)

app_name = "applications"

urlpatterns = [
    path("opslag/<slug:slug>/", public.CallDetailView.as_view(), name="call_detail"),
    # an application and its sections
    path("ansoegning/<int:pk>/", submission.OverviewView.as_view(), name="overview"),
    path(
        "ansoegning/<int:pk>/krav/",
        sections_requirements.RequirementsSectionView.as_view(),
        name="section_requirements",
    ),
    path("ansoegning/<int:pk>/omraade/", sections.AreaSectionView.as_view(), name="section_area"),
    path("ansoegning/<int:pk>/kriterier/", sections_criteria.CriteriaSectionView.as_view(), name="section_criteria"),
    path(
        "ansoegning/<int:pk>/aktiviteter/",
        sections_activities.ActivitiesSectionView.as_view(),
        name="section_activities",
    ),
    path("ansoegning/<int:pk>/partnere/", sections_partners.PartnersSectionView.as_view(), name="section_partners"),
    path("ansoegning/<int:pk>/budget/", sections_budget.BudgetSectionView.as_view(), name="section_budget"),
    path("ansoegning/<int:pk>/bilag/", attachments.AttachmentsSectionView.as_view(), name="section_attachments"),
    # submission
    path("ansoegning/ny/<slug:call_slug>/", submission.ApplicationCreateView.as_view(), name="create"),
    path("ansoegning/<int:pk>/indsend/", submission.SubmitView.as_view(), name="submit"),
    path("ansoegning/<int:pk>/kvittering/", submission.ReceiptView.as_view(), name="receipt"),
    path("ansoegning/<int:pk>/kvittering.pdf", submission.ReceiptPdfView.as_view(), name="receipt_pdf"),
    path("ansoegning/<int:pk>/tilbagetraek/", submission.WithdrawView.as_view(), name="withdraw"),
    *attachments.urlpatterns,
    *sections_activities.urlpatterns,
    *account.urlpatterns,
    *call_admin.urlpatterns,
]
