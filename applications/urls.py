from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("opslag/<slug:slug>/", views.CallDetailView.as_view(), name="call_detail"),
]
