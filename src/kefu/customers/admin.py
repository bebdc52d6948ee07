"""Read-only: blacklisting and lifting go through the services (supervisor only, recorded)."""

from django.contrib import admin

from kefu.customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "name",
        "buyer_nick",
        "phone",
        "misdescription_count",
        "blacklisted",
        "blacklisted_at",
    )
    list_filter = ("blacklisted",)
    search_fields = ("name", "buyer_nick", "im_id", "phone")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
