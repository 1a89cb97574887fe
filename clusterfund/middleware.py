"""Request handling shared by the whole portal."""


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
