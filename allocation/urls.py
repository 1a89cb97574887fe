from django.urls import path

from .views import applicant, frames, proposals, selection

app_name = "allocation"

urlpatterns = [
    # the minister's selections (UFM)
    path("udpegning/opslag/<slug:slug>/", selection.SelectionListView.as_view(), name="selections"),
    path("udpegning/ansoegning/<int:pk>/", selection.SelectionRecordView.as_view(), name="select"),
    # budget frames (the secretariat)
    path("fordeling/opslag/<slug:slug>/rammer/", frames.FramesView.as_view(), name="frames"),
    # proposals
    path("fordeling/opslag/<slug:slug>/", proposals.ProposalListView.as_view(), name="proposals"),
    path("fordeling/opslag/<slug:slug>/nyt-forslag/", proposals.ProposalCreateView.as_view(), name="proposal_create"),
    path("fordeling/opslag/<slug:slug>/sammenlign/", proposals.CompareView.as_view(), name="compare"),
    path("fordeling/forslag/<int:pk>/", proposals.ProposalDetailView.as_view(), name="proposal"),
    path("fordeling/forslag/<int:pk>/udfyld/", proposals.ProposalFillView.as_view(), name="proposal_fill"),
    path("fordeling/forslag/<int:pk>/indsend/", proposals.ProposalSubmitView.as_view(), name="proposal_submit"),
    path("fordeling/forslag/<int:pk>/godkend/", proposals.ProposalReviewView.as_view(), name="proposal_review"),
    path("fordeling/forslag/<int:pk>/formand/", proposals.ProposalLockView.as_view(), name="proposal_lock"),
    path("fordeling/forslag/<int:pk>/ny-version/", proposals.ProposalCopyView.as_view(), name="proposal_copy"),
    path("fordeling/forslag/<int:pk>/eksport.<str:fmt>", proposals.ProposalExportView.as_view(), name="export"),
    # the applicant's approved amounts
    path("fordeling/ansoegning/<int:pk>/", applicant.ApprovedAmountsView.as_view(), name="approved_amounts"),
]
