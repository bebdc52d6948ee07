"""Read-only admin views: every change goes through the services (pages, API), which check the
role, tell the inbox and write the history; the admin only looks."""

from django.contrib import admin

from kefu.aftersales.models import AfterSalesCase, BadReview, Complaint


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AfterSalesCase)
class AfterSalesCaseAdmin(ReadOnly):
    list_display = (
        "id",
        "kind",
        "state",
        "order_number",
        "buyer_nick",
        "amount",
        "refund_amount",
        "rights_protection",
    )
    list_filter = ("kind", "state", "rights_protection")
    search_fields = ("order_number", "waybill", "buyer_nick")


@admin.register(Complaint)
class ComplaintAdmin(ReadOnly):
    list_display = (
        "id",
        "customer_name",
        "channel",
        "received_at",
        "signed_off_by",
        "satisfaction",
        "closed_at",
    )
    list_filter = ("channel", "satisfaction")


@admin.register(BadReview)
class BadReviewAdmin(ReadOnly):
    list_display = ("id", "buyer_nick", "rating", "reviewed_at", "outcome", "closed_at")
    list_filter = ("rating", "outcome")
