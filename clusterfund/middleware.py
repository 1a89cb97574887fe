"""Request handling shared by the whole portal."""

from django.core.exceptions import BadRequest


class DanishByDefaultMiddleware:
    """Show the portal in Danish unless the user chose English with the language switch.

    Django's LocaleMiddleware would otherwise follow the browser's Accept-Language header, so an
    applicant with an English-language browser would get English pages they never asked for. The
    switch sets the language cookie, which LocaleMiddleware still honours.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RefuseNulInQueryMiddleware:
    """Answer 400 Bad Request (the portal's 400 page) for a query string that holds a NUL character.

    Typed input arrives in forms, whose fields refuse NUL with a message next to the field. A query string
    (filters, search, `next`) is read by views directly, and PostgreSQL refuses NUL in any text it is
    given, which would be a server error; nobody types NUL into an address, so the request itself is bad.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            raise BadRequest("NUL in the query string")
        return self.get_response(request)
