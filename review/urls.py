from django.urls import path

from .views import application, assign, joint, matrix

app_name = "review"

urlpatterns = [
    path("vurdering/", assign.QueueView.as_view(), name="queue"),
    # a call
    path("vurdering/opslag/<slug:slug>/fordeling/", assign.AssignView.as_view(), name="assign"),
    path("vurdering/opslag/<slug:slug>/matrix/", matrix.MatrixView.as_view(), name="matrix"),
    path("vurdering/opslag/<slug:slug>/matrix.<str:fmt>", matrix.ExportView.as_view(), name="export"),
    path("vurdering/opslag/<slug:slug>/sammenlign/", matrix.CompareView.as_view(), name="compare"),
    # one application
    path("vurdering/ansoegning/<int:pk>/", application.ReviewView.as_view(), name="review"),
    path("vurdering/ansoegning/<int:pk>/inhabilitet/", application.ConflictView.as_view(), name="conflict"),
    path("vurdering/ansoegning/<int:pk>/historik/", application.HistoryView.as_view(), name="history"),
    path("vurdering/ansoegning/<int:pk>/faelles/", joint.JointView.as_view(), name="joint"),
    path("vurdering/ansoegning/<int:pk>/faelles/bekraeft/", joint.JointConfirmView.as_view(), name="joint_confirm"),
    path("vurdering/ansoegning/<int:pk>/score/<int:criterion>/", matrix.ScoreCellView.as_view(), name="score_cell"),
]
