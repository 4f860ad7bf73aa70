"""Admin pieces shared by the shop and the repair service: erasing shoppers' details."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _


def erase_action(*, erase, refused, description, log_message, done_message):
    """An admin action named `anonymise` that calls `erase(record)` on each selected
    record, reports each `refused` exception as an error, logs each erasure in the
    record's history, and sums up with `done_message(count)`."""

    @admin.action(description=description, permissions=["change"])
    def anonymise(modeladmin, request, queryset):
        erased = 0
        for record in queryset:
            try:
                erase(record)
            except refused as reason:
                modeladmin.message_user(request, str(reason), messages.ERROR)
            else:
                modeladmin.log_change(request, record, log_message)
                erased += 1
        if erased:
            modeladmin.message_user(request, done_message(erased), messages.SUCCESS)

    return anonymise


class ErasedFilter(admin.SimpleListFilter):
    """Records whose shopper's details were erased (`anonymised_at` set), or kept."""

    title = _("shopper's details")
    parameter_name = "erased"

    def lookups(self, request, model_admin):
        return [("no", _("Kept")), ("yes", _("Erased"))]

    def queryset(self, request, queryset):
        match self.value():
            case "no":
                return queryset.filter(anonymised_at__isnull=True)
            case "yes":
                return queryset.filter(anonymised_at__isnull=False)
        return queryset
