"""The chat in Django's admin: read-mostly views for supervisors (the console is where work happens)."""

from django.contrib import admin

from kefu.chat.models import AgentPresence, Conversation, Message, SuggestionUse


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ("created_at", "sender", "author", "text", "is_auto", "response_seconds", "lint_overridden")
    readonly_fields = fields


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "buyer_name",
        "status",
        "agent",
        "created_at",
        "first_response_seconds",
        "order",
        "question",
    )
    list_filter = ("status",)
    search_fields = ("buyer_name", "buyer_contact", "order__number")
    raw_id_fields = ("agent", "order", "question", "closed_by")
    readonly_fields = (
        "token",
        "awaiting_since",
        "first_response_at",
        "first_response_seconds",
        "no_answer_for",
    )
    inlines = [MessageInline]


@admin.register(AgentPresence)
class AgentPresenceAdmin(admin.ModelAdmin):
    list_display = ("user", "status", "last_seen_at")


@admin.register(SuggestionUse)
class SuggestionUseAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "article", "customer_text", "agent")
    list_filter = ("kind",)
    raw_id_fields = ("conversation", "article", "agent")
