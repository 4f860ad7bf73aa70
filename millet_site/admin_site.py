"""The shop's admin site: named for the shop, its home a dashboard (millet_site/dashboard.py),
open to staff who signed in with a password and a second factor."""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from millet_site.dashboard import dashboard_context


def second_factor_passed(request) -> bool:
    """This session's sign-in included a second factor (allauth's record of it)."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


class MilletAdminSite(admin.AdminSite):
    site_header = _("Millet — shop")
    site_title = _("Millet — shop")
    index_title = _("Shop administration")

    def index(self, request, extra_context=None):
        context = {"dashboard": dashboard_context(request.user), **(extra_context or {})}
        return super().index(request, extra_context=context)

    def has_permission(self, request):
        return super().has_permission(request) and (
            not settings.ADMIN_SECOND_FACTOR or second_factor_passed(request)
        )

    def get_urls(self):
        return [
            path(
                "deuxieme-facteur/",
                never_cache(require_http_methods(["GET", "HEAD", "POST"])(self.second_factor)),
                name="second_factor",
            ),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        """At one address, /admin/login/, whatever the language: the password first
        (django-axes counts the failures), then the second factor."""
        with translation.override(settings.LANGUAGE_CODE):
            one_address = reverse("admin:login")
        if request.path != one_address:
            query = request.META.get("QUERY_STRING", "")
            return redirect(f"{one_address}?{query}" if query else one_address)
        user = request.user
        if user.is_active and user.is_staff and not self.has_permission(request):
            return redirect(_with_next(reverse("admin:second_factor"), request))
        return super().login(request, extra_context)

    def second_factor(self, request):
        """A code from the authenticator app (or a recovery code); a member of staff
        without one is sent to set one up."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return redirect(_with_next(reverse("admin:login"), request))
        next_url = _safe_next(request) or reverse("admin:index")
        if self.has_permission(request):
            return redirect(next_url)
        context = {**self.each_context(request), "title": _("Second factor"), "next": next_url}
        if not is_mfa_enabled(user):
            activate = reverse("mfa_activate_totp")
            context["activate_url"] = f"{activate}?next={reverse('admin:second_factor')}"
            return render(request, "admin/second_factor.html", context)
        form = AuthenticateForm(request.POST or None, user=user)
        if request.method == "POST" and form.is_valid():
            form.save()
            return redirect(next_url)
        context["form"] = form
        return render(request, "admin/second_factor.html", context)


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _with_next(url, request):
    target = _safe_next(request)
    return f"{url}?next={target}" if target else url
