"""Middleware of the site's own."""

import json
import logging
import re
import time
import uuid

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from common import metrics


class NulByteMiddleware:
    """A NUL byte, which PostgreSQL refuses in any text it is asked to compare: in a path,
    where no page has one, it is not found, before any view; in the query of an admin
    page (whose list filters pass values to the database as they come) too. The shop's
    own pages drop such characters from what they read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404("No such page")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match and "admin" in match.namespaces and "%00" in request.META.get("QUERY_STRING", ""):
            raise Http404("No such page")


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


REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
request_log = logging.getLogger("millet.requests")


class RequestIdMiddleware:
    """Give each request an id, send it back in `X-Request-ID`, log one line per request
    as JSON (id, method, route, status, time, page-cache answer) and count it in the
    Prometheus metrics (common.metrics).

    Behind the proxy (DJANGO_BEHIND_PROXY) nginx's id is kept, so the proxy's
    log and the app's share it; otherwise, or when it is malformed, a new one is
    made. Error pages show it, for a shopper to quote to support. The route is
    logged rather than the path: an order's address holds its private token.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        if not (settings.BEHIND_PROXY and REQUEST_ID.match(given)):
            given = uuid.uuid4().hex
        request.request_id = given
        response = self.get_response(request)
        response["X-Request-ID"] = given
        seconds = time.perf_counter() - started
        metrics.observe(request, response, seconds)
        match = getattr(request, "resolver_match", None)
        request_log.info(
            json.dumps(
                {
                    "request_id": given,
                    "method": request.method,
                    "route": "/" + match.route if match else None,
                    "view": match.view_name if match else None,
                    "status": response.status_code,
                    "ms": round(seconds * 1000, 1),
                    "cache": response.get("X-Page-Cache"),
                },
                separators=(",", ":"),
            )
        )
        return response
