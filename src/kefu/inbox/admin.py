"""Read-only: every change goes through the services (pages, API), which check the role and write
the history; the admin only looks."""

from django.contrib import admin

from kefu.inbox.models import WorkItem


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    list_display = ("id", "source", "source_id", "title", "state", "owner", "priority", "due_at", "overdue")
    list_filter = ("source", "state", "overdue")
    search_fields = ("title", "customer_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
