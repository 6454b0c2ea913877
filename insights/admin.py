from django.contrib import admin
from django.db.models import Count

from .models import (
    CallNote,
    ClusteringRun,
    Notification,
    Tag,
    Theme,
    ThemeAssignment,
    ThemeEvent,
    WebhookDelivery,
    WebhookEndpoint,
    WinBackTask,
)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "note_count", "created_at"]
    search_fields = ["name"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_notes=Count("notes"))

    @admin.display(description="Notes", ordering="_notes")
    def note_count(self, obj: Tag) -> int:
        return obj._notes


class AssignmentInline(admin.StackedInline):
    model = ThemeAssignment
    extra = 0
    autocomplete_fields = ["theme"]
    readonly_fields = ["assigned_by", "assigned_by_user", "similarity", "assigned_at"]


@admin.register(CallNote)
class CallNoteAdmin(admin.ModelAdmin):
    list_display = ["short_body", "account", "deal", "author", "importance", "call_date", "source"]
    list_filter = ["importance", "source", "account__segment", "account__region", "tags"]
    search_fields = ["body", "quote", "account__name", "external_id"]
    autocomplete_fields = ["author", "account", "deal", "tags", "competitors"]
    list_select_related = ["account", "deal", "author"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "call_date"
    inlines = [AssignmentInline]

    @admin.display(description="Note")
    def short_body(self, obj: CallNote) -> str:
        return obj.body[:80]


class EventInline(admin.TabularInline):
    model = ThemeEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "kind", "data"]
    max_num = 0


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "owner",
        "note_count",
        "account_count",
        "open_revenue",
        "lost_revenue",
        "merged_into",
    ]
    list_filter = ["status", "title_is_manual"]
    search_fields = ["title", "auto_title", "description"]
    autocomplete_fields = ["owner", "merged_into"]
    list_select_related = ["owner", "merged_into"]
    readonly_fields = [
        "auto_title",
        "keywords",
        "note_count",
        "account_count",
        "open_revenue",
        "lost_revenue",
        "won_revenue",
        "stats_updated_at",
        "created_at",
        "updated_at",
    ]
    inlines = [EventInline]

    def save_model(self, request, obj, form, change):
        # A status changed here is a product decision like any other: it goes
        # through triage so that it is in the timeline and reps are told.
        if change and "status" in form.changed_data:
            from .triage import theme_set_status

            new_status, obj.status = obj.status, form.initial["status"]
            super().save_model(request, obj, form, change)
            theme_set_status(theme=obj, status=new_status, actor=request.user)
        else:
            super().save_model(request, obj, form, change)


@admin.register(ClusteringRun)
class ClusteringRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "state",
        "trigger",
        "phase",
        "progress",
        "notes_count",
        "themes_count",
        "created_at",
        "finished_at",
    ]
    list_filter = ["state", "trigger"]
    readonly_fields = [f.name for f in ClusteringRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "recipient",
        "theme",
        "old_status",
        "new_status",
        "created_at",
        "read_at",
        "email",
    ]
    list_filter = ["new_status", "email"]
    search_fields = ["recipient__username", "recipient__email", "theme__title"]
    list_select_related = ["recipient", "theme"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    extra = 0
    fields = ["event", "state", "attempts", "last_status_code", "last_error", "delivered_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    inlines = [DeliveryInline]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["endpoint", "event", "state", "attempts", "last_status_code", "created_at"]
    list_filter = ["state", "endpoint"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected failed deliveries again")
    def retry(self, request, queryset):
        from .tasks import deliver_webhook

        ids = list(queryset.filter(state=WebhookDelivery.State.FAILED).values_list("pk", flat=True))
        WebhookDelivery.objects.filter(pk__in=ids).update(state=WebhookDelivery.State.PENDING)
        for pk in ids:
            deliver_webhook.delay(pk)
        self.message_user(request, f"{len(ids)} deliveries queued again.")


@admin.register(WinBackTask)
class WinBackTaskAdmin(admin.ModelAdmin):
    list_display = ["deal", "theme", "owner", "lost_amount", "lost_at", "state", "reopened_at"]
    list_filter = ["state"]
    search_fields = ["deal__name", "deal__account__name", "theme__title"]
    autocomplete_fields = ["owner"]
    list_select_related = ["deal", "theme", "owner"]
    readonly_fields = [
        "theme",
        "deal",
        "event",
        "note",
        "quote",
        "lost_amount",
        "lost_at",
        "loss_reason",
        "created_at",
        "reopened_at",
        "reopened_by",
    ]
