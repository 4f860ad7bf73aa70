"""Middleware of the site's own."""

from django.conf import settings
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    """Answer 413 to a request whose announced body is larger than any form of the site takes.

    The check reads only the Content-Length header, before anything reads the
    body (the CSRF check parses forms, and writes uploads to temporary files):
    an oversized upload costs the server nothing but this answer. A body sent
    without a length (chunked) is never read by Django. The proxy in front
    refuses the same bodies itself (nginx `client_max_body_size`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body it cannot measure
        if length > settings.REQUEST_MAX_BYTES:
            message = _("Your browser tried to send %(sent)s MB; we take %(limit)s MB at most.") % {
                "sent": number_format(length / 1024 / 1024, 1),
                "limit": settings.REQUEST_MAX_BYTES // (1024 * 1024),
            }
            return render(request, "413.html", {"message": message}, status=413)
        return self.get_response(request)
