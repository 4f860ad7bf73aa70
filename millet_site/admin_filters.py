"""Admin list filters shared by several apps."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


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
