"""Registration, organisations, invitations and the organisation dashboard (being built)."""

urlpatterns: list = []
