"""The server error page (handler500) in the site's layout, with who is logged in.

Django's own handler renders `500.html` without the request, so the header could not say who is logged in.
This one renders the full page when it can; if that fails too (the database is the usual culprit of both),
it falls back to a page that needs nothing but the template engine.
"""

import logging

from django.http import HttpResponseServerError
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


@requires_csrf_token
def server_error(request):
    try:
        body = render_to_string("500.html", request=request)
    except Exception:  # whatever broke the request may break the page too: never raise from here
        logger.exception("The server error page could not be rendered in full.")
        body = render_to_string("500_plain.html")
    return HttpResponseServerError(body)
