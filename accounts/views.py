"""Mon compte: the shopper's orders, returns, repairs, alerts and addresses on one page,
and the deletion of the account by its owner."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.forms import DeleteAccountForm, SavedAddressForm
from accounts.models import SavedAddress
from accounts.services import DeletionRefused, account_delete, records_for
from common.http import private_page
from shop.returns import return_deadline


@require_safe
@login_required
@private_page
def home(request):
    records = records_for(request.user)
    today = timezone.localdate()
    orders = list(records.orders.select_related("invoice"))
    for order in orders:
        # The return page itself says when every item is already in a return.
        deadline = return_deadline(order)
        order.can_return = deadline is not None and today <= deadline
    context = {
        "orders": orders,
        "returns": list(records.returns),
        "repairs": list(records.repairs),
        "alerts": list(records.alerts),
        "addresses": list(request.user.saved_addresses.select_related("store")),
    }
    return render(request, "accounts/home.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@private_page
def address_edit(request, pk=None):
    address = get_object_or_404(SavedAddress, pk=pk, user=request.user) if pk is not None else None
    form = SavedAddressForm(request.POST if request.method == "POST" else None, instance=address)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.user = request.user
        with transaction.atomic():
            if not request.user.saved_addresses.exclude(pk=saved.pk).exists():
                saved.is_default = True
            saved.save()
        messages.success(request, _("Your address “%(label)s” is saved.") % {"label": saved.label})
        return redirect("accounts:home")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@require_POST
@login_required
def address_default(request, pk):
    address = get_object_or_404(SavedAddress, pk=pk, user=request.user)
    with transaction.atomic():
        request.user.saved_addresses.update(is_default=False)
        address.is_default = True
        address.save(update_fields=["is_default"])
    messages.success(
        request, _("“%(label)s” now comes first at checkout.") % {"label": address.label}
    )
    return redirect("accounts:home")


@require_POST
@login_required
def address_delete(request, pk):
    address = get_object_or_404(SavedAddress, pk=pk, user=request.user)
    address.delete()
    messages.success(request, _("The address “%(label)s” is deleted.") % {"label": address.label})
    return redirect("accounts:home")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@reauthentication_required
@private_page
def delete(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(request=request, user=request.user)
        except DeletionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("accounts:home")
        messages.success(
            request,
            _(
                "Your account is deleted. The orders it held are kept without your details "
                "for the accounting period."
            ),
        )
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
