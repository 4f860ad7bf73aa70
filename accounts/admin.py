from django.contrib import admin

from accounts.models import SavedAddress


@admin.register(SavedAddress)
class SavedAddressAdmin(admin.ModelAdmin):
    list_display = ["label", "user", "delivery", "city", "store", "is_default"]
    list_select_related = ["user", "store"]
    search_fields = ["user__email", "label", "city"]
    raw_id_fields = ["user"]
