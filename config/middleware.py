"""Request hygiene that every view relies on."""

from django.http import Http404


class NulInPathMiddleware:
    """A path with a NUL character names nothing here: answer 404 before any view looks it up.

    PostgreSQL text cannot hold NUL, so a lookup with one would fail with a database error instead of
    finding nothing; SQLite would simply find nothing. One check here keeps both databases answering 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404("Not Found")
        return self.get_response(request)
