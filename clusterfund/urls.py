from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from applications.views.public import HomeView

from . import views, views_documents, views_staff

handler500 = "clusterfund.views.server_error"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("start/", views.StartView.as_view(), name="start"),
    path("tilgaengelighed/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    # Django's auth views under Danish paths (not include("django.contrib.auth.urls"), whose own
    # "login" name would shadow ours).
    path("konto/log-ind/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("konto/log-af/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/adgangskode/skift/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("konto/adgangskode/skift/udfoert/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("konto/adgangskode/nulstil/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("konto/adgangskode/nulstil/sendt/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "konto/adgangskode/nulstil/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/adgangskode/nulstil/udfoert/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    *views_staff.urlpatterns,
    path("dokumenter/", include((views_documents.urlpatterns, views_documents.app_name))),
    path("", include("governance.urls")),
    path("", include("review.urls")),
    path("", include("allocation.urls")),
    path("", include("applications.urls")),
]
