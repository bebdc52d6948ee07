from django.contrib import admin

from kefu.core.models import ActivityLog, ShopSetting


@admin.register(ShopSetting)
class ShopSettingAdmin(admin.ModelAdmin):
    list_display = ("key", "value", "updated_at", "updated_by")
    search_fields = ("key",)
    readonly_fields = ("updated_at", "updated_by")


@admin.register(ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "verb", "content_type", "object_id", "message")
    list_filter = ("verb", "content_type")
    readonly_fields = [f.name for f in ActivityLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
