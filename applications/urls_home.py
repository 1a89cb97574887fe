"""The front page, outside the `applications` namespace: its URL name is plain `home`.

Included by the root URLconf as a dotted string, so clusterfund imports nothing of this app.
"""

from django.urls import path

from .views.public import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
]
