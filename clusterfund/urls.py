from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from applications.views.public import HomeView

from . import views

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("start/", views.StartView.as_view(), name="start"),
    path("tilgaengelighed/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("konto/log-ind/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("konto/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("", include("applications.urls")),
]
