"""Admin: the emergency plans' wording is configuration and edited here; everything else changes
through the services (pages, API), which check the role and write the history, so it is read-only."""

from django.contrib import admin

from kefu.team.models import (
    EmergencyPlan,
    EmergencyRun,
    Handover,
    LeaveRequest,
    Promotion,
    RotaEntry,
    TeamMember,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EmergencyPlan)
class EmergencyPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "position")


@admin.register(TeamMember)
class TeamMemberAdmin(ReadOnly):
    list_display = ("user", "group", "max_chats", "active")


@admin.register(RotaEntry)
class RotaEntryAdmin(ReadOnly):
    list_display = ("day", "user", "duty", "edited")
    list_filter = ("duty",)


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ReadOnly):
    list_display = ("user", "start", "end", "state")


@admin.register(Handover)
class HandoverAdmin(ReadOnly):
    list_display = ("day", "shift", "written_by", "submitted_at", "acknowledged_at")


@admin.register(Promotion)
class PromotionAdmin(ReadOnly):
    list_display = ("name", "starts_at", "ends_at", "first_response_seconds")


@admin.register(EmergencyRun)
class EmergencyRunAdmin(ReadOnly):
    list_display = ("plan", "started_by", "started_at", "finished_at")
