"""django-axes, for the admin's sign-in and the shoppers': who is counted, how many failures
are allowed, and the page a locked sign-in gets (the admin's look, or the shop's)."""

from django.shortcuts import render
from django.urls import reverse

# Failures allowed before the lock: staff mistype less than the public.
ADMIN_FAILURES = 5
SHOPPER_FAILURES = 10


def _is_admin(request) -> bool:
    return request is not None and request.path.startswith(("/admin/", "/en/admin/"))


def failure_limit(request, credentials) -> int:
    return ADMIN_FAILURES if _is_admin(request) else SHOPPER_FAILURES


def username(request, credentials) -> str | None:
    """The name tried: the admin's user name, or the e-mail address a shopper typed."""
    credentials = credentials or {}
    name = credentials.get("username") or credentials.get("email")
    if not name and request is not None:
        name = request.POST.get("username") or request.POST.get("login")
    return name.strip().lower() if name else None


def lockout_response(request, original_response=None, credentials=None):
    context = {"failure_limit": failure_limit(request, credentials)}
    if _is_admin(request):
        return render(request, "admin/locked_out.html", context, status=429)
    context["reset_url"] = reverse("account_reset_password")
    return render(request, "account/locked_out.html", context, status=429)
