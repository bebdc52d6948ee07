"""Read-only admin views of the replies' tables.

Changes go through the back-office pages (/desk/replies/…) or the API, which call the services:
they check roles, keep the search index in step and write the history. An admin form saving rows
directly would skip all three, so the admin only shows.
"""

from django.contrib import admin

from kefu.replies.models import (
    AutoReplyRule,
    ForbiddenPhrase,
    LintOverride,
    PhraseGroup,
    Promotion,
    QuickPhrase,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PhraseGroup)
class PhraseGroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "position")


@admin.register(QuickPhrase)
class QuickPhraseAdmin(ReadOnlyAdmin):
    list_display = ("shortcut", "text", "group", "owner", "use_count", "last_used_at")
    list_filter = ("group",)
    search_fields = ("shortcut", "text")
    list_select_related = ("group", "owner")


@admin.register(ForbiddenPhrase)
class ForbiddenPhraseAdmin(ReadOnlyAdmin):
    list_display = ("phrase", "suggestion", "match", "is_active", "override_count")


@admin.register(LintOverride)
class LintOverrideAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "by", "phrases", "text")
    list_select_related = ("by",)


@admin.register(AutoReplyRule)
class AutoReplyRuleAdmin(ReadOnlyAdmin):
    list_display = ("trigger", "is_enabled", "text", "updated_at")


@admin.register(Promotion)
class PromotionAdmin(ReadOnlyAdmin):
    list_display = ("name", "is_enabled", "starts_at", "ends_at", "offer")
