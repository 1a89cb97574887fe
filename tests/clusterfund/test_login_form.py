"""The login form checks the username's length before authenticating (django-axes records failed attempts)."""

from django.urls import reverse

from clusterfund.forms import LoginForm


def test_an_over_long_username_is_refused_by_the_form_without_an_attempt_to_log_in(client, db):
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "x" * 300 + "@example.dk", "password": "secret-123456"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()


def test_a_username_of_the_allowed_length_is_still_authenticated(client, make_user, rf):
    user = make_user("applicant")
    user.set_password("a-long-password-42")
    user.save()
    form = LoginForm(rf.post("/"), data={"username": user.email, "password": "a-long-password-42"})
    assert form.is_valid(), form.errors
    assert form.get_user() == user
    response = client.post(reverse("login"), {"username": user.email, "password": "a-long-password-42"})
    assert response.status_code == 302
