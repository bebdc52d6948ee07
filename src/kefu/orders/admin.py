from django.contrib import admin

from kefu.orders.models import Order, OrderImport, OrderLine, OrderRemark, PaymentReminder, ReminderScript


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ("title", "sku", "quantity", "price", "is_gift")


class OrderRemarkInline(admin.TabularInline):
    model = OrderRemark
    extra = 0
    readonly_fields = ("text", "flag", "author", "created_at")
    can_delete = False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Read-mostly: changes to an order go through the desk's pages so they are checked and recorded."""

    list_display = ("number", "buyer_nick", "state", "paid_amount", "flag", "created_at")
    list_filter = ("state", "flag", "shipping_method")
    search_fields = ("number", "buyer_nick", "receiver_phone", "waybill")
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = [OrderLineInline, OrderRemarkInline]

    def has_add_permission(self, request):
        return False


@admin.register(PaymentReminder)
class PaymentReminderAdmin(admin.ModelAdmin):
    list_display = ("order", "sequence", "channel", "reason", "agent", "created_at")
    list_filter = ("channel", "reason")
    readonly_fields = [f.name for f in PaymentReminder._meta.fields]


@admin.register(ReminderScript)
class ReminderScriptAdmin(admin.ModelAdmin):
    list_display = ("name", "channel", "position")


@admin.register(OrderImport)
class OrderImportAdmin(admin.ModelAdmin):
    list_display = (
        "original_name",
        "status",
        "rows",
        "created",
        "updated",
        "error_count",
        "created_at",
        "by",
    )
    readonly_fields = [f.name for f in OrderImport._meta.fields]
