"""Site-wide pages: home, health check, robots.txt and error pages."""

import asyncio
import logging

import psycopg
from allauth.account.decorators import reauthentication_required
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.static import serve

from catalog.models import Product, category_tiles
from common.http import mark_private
from common.page_cache import anonymous_page, depends_on
from millet_site.personal_data import export_for, export_for_account

logger = logging.getLogger(__name__)


@require_safe
@anonymous_page
def home(request):
    featured = list(Product.objects.for_home())
    made_in_france = next((p for p in featured if p.made_in_france), None)
    made_in_france = made_in_france or Product.objects.made_in_france_pick()
    context = {
        "featured": featured,
        "categories": category_tiles(),
        "made_in_france": made_in_france,
    }
    shown = [*featured, made_in_france] if made_in_france else featured
    depends_on(request, "catalog", *(f"card:{product.pk}" for product in shown))
    return render(request, "home.html", context)


# The health check's own limit on reaching the database: a load balancer
# waiting 2 to 5 seconds gets a 503, never a time-out.
HEALTH_TIMEOUT_SECONDS = 1.0


@never_cache
@require_safe
def healthz(request):
    """Answer 200 when the database answers, 503 otherwise, within HEALTH_TIMEOUT_SECONDS.

    On PostgreSQL it opens its own short-lived connection under a hard time
    limit, so it neither waits for the request pool (whose wait is longer)
    nor takes a connection the pages need, and a server that accepts the
    connection but never answers counts as down.
    """
    try:
        if connection.vendor == "postgresql":
            asyncio.run(asyncio.wait_for(_ping_postgresql(), HEALTH_TIMEOUT_SECONDS))
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
    except (DatabaseError, psycopg.Error, TimeoutError):
        logger.exception("Health check: the database did not answer")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


async def _ping_postgresql():
    params = {
        key: value
        for key, value in connection.get_connection_params().items()
        if key not in {"pool", "cursor_factory", "context", "prepare_threshold"}
    }
    async with await psycopg.AsyncConnection.connect(**params) as health:
        await health.execute("SELECT 1")


# Paths with one person's data, or staff's, in every language: no crawler goes there.
PRIVATE_PATHS = [
    "admin/",
    "panier/",
    "commande/",
    "compte/",
    "reparation/suivi/",
    "reparation/envoyee/",
]


@require_safe
def robots_txt(request):
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}{path}" for prefix in ("/", "/en/") for path in PRIVATE_PATHS]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon, such as the admin's."""
    return redirect(static("img/favicon.svg"), permanent=True)


class PersonalDataExportForm(forms.Form):
    email = forms.EmailField(label=_("Shopper's e-mail address"))


@require_http_methods(["GET", "HEAD", "POST"])
def personal_data_export(request):
    """Staff: download everything held for an e-mail address (the right of access).

    Served inside the admin (`admin_view`: staff only); it needs the right to
    view both orders and repair requests. The log says who exported, never
    whose data.
    """
    if not request.user.has_perms(["shop.view_order", "repairs.view_repairrequest"]):
        raise PermissionDenied
    form = PersonalDataExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = export_for(form.cleaned_data["email"])
        logger.info(
            "Personal data export by staff user %s: %s orders, %s repair requests",
            request.user.get_username(),
            len(data["orders"]),
            len(data["repair_requests"]),
        )
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = content_disposition_header(
            True, "millet-personal-data.json"
        )
        return mark_private(response)
    context = {
        **admin.site.each_context(request),
        "title": _("Everything held for an e-mail address"),
        "form": form,
    }
    return render(request, "admin/personal_data_export.html", context)


@require_safe
@login_required
@reauthentication_required
def account_data_export(request):
    """The shopper downloads everything held about them (the same content as the staff
    export, with their account and saved addresses), after signing in again."""
    data = export_for_account(request.user)
    logger.info(
        "Personal data export by the account's owner: %s orders, %s repair requests",
        len(data["orders"]),
        len(data["repair_requests"]),
    )
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = content_disposition_header(True, "millet-my-data.json")
    return mark_private(response)


# Error pages rendered with the request, so they wear the site's header, in
# the visitor's language.
def bad_request(request, exception=None):
    return render(request, "400.html", {}, status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", {}, status=403)


def csrf_failure(request, reason=""):
    """A form sent without its security token, or from another site: usually a page
    left open too long, or cookies turned off."""
    return render(request, "403_csrf.html", {}, status=403)


# Uploaded pictures and their renditions keep their name for life (a new
# upload gets a new name): browsers may keep them a month.
MEDIA_MAX_AGE = 30 * 24 * 3600


@require_safe
def media(request, path):
    """MEDIA_ROOT's files, when Django serves them (DJANGO_SERVE_MEDIA; the proxy does in
    production), with a long cache lifetime."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.status_code == 200:
        patch_cache_control(response, public=True, max_age=MEDIA_MAX_AGE)
    return response


def server_error(request):
    """The 500 page, rendered without the request's context (whatever failed may fail
    again), but with the request's id for support."""
    page = loader.get_template("500.html").render(
        {"request_id": getattr(request, "request_id", "")}
    )
    return HttpResponseServerError(page)
