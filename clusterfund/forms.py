"""Forms of the foundation's own pages."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's login form, with the username's length checked before anyone authenticates.

    AuthenticationForm sets the username field's max_length only after the field is built, so the length
    is never validated: an over-long username reached authenticate(), and django-axes' record of the
    failed attempt (a 255-character column) made PostgreSQL refuse the insert with a server error.
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
