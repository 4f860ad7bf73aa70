"""Prometheus metrics of the shop (prometheus_client), at /metrics for the internal address
and staff only.

Counted by common.middleware.RequestIdMiddleware for every request: the
requests by view and status, their duration by view, and the page cache's
answers. With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR to an
empty folder the workers share (deploy/gunicorn.conf.py then tells the client
when a worker ends): /metrics then adds up every worker's figures.
"""

import os

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from common.client import client_ip

REQUESTS = Counter(
    "millet_http_requests", "Requests answered, by view and status.", ["method", "view", "status"]
)
DURATION = Histogram(
    "millet_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PAGE_CACHE = Counter(
    "millet_page_cache_answers", "Anonymous page cache answers (hit or miss).", ["result"]
)


def observe(request, response, seconds):
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match else "unmatched"
    REQUESTS.labels(request.method, view, str(response.status_code)).inc()
    DURATION.labels(view).observe(seconds)
    if result := response.get("X-Page-Cache"):
        PAGE_CACHE.labels(result).inc()


@never_cache
def metrics(request):
    """The figures in Prometheus's text format; 404 for anyone but the internal address
    (METRICS_ALLOWED_ADDRESSES, the client as the site reads it behind its proxy) and
    signed-in staff."""
    user = getattr(request, "user", None)
    staff = user is not None and user.is_active and user.is_staff
    if not (staff or client_ip(request) in settings.METRICS_ALLOWED_ADDRESSES):
        raise Http404("Not found")
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
