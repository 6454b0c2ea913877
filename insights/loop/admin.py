"""Django admin for closing the loop: notifications, webhooks, win-back tasks."""

from django.contrib import admin

from feedbackhub.admin_display import json_field, money_column, titled
from feedbackhub.queue import enqueue_now
from insights.loop import webhooks
from insights.loop.models import Notification, WebhookDelivery, WebhookEndpoint, WinBackTask


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
    fields = [f.name for f in Notification._meta.fields if f.name != "details"] + [
        "details_readable"
    ]
    readonly_fields = fields
    details_readable = json_field("details", "Details")

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
    list_display = ["name", "address", "active", "created_at"]
    address = titled("url", "URL")
    active = titled("is_active", "Active", boolean=True)
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    inlines = [DeliveryInline]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["endpoint", "event", "state", "attempts", "last_status_code", "created_at"]
    list_filter = ["state", "endpoint"]
    fields = [f.name for f in WebhookDelivery._meta.fields if f.name != "payload"] + [
        "payload_readable"
    ]
    readonly_fields = fields
    payload_readable = json_field("payload", "Payload")
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected failed deliveries again")
    def retry(self, request, queryset):
        ids = list(queryset.filter(state=WebhookDelivery.State.FAILED).values_list("pk", flat=True))
        WebhookDelivery.objects.filter(pk__in=ids).update(state=WebhookDelivery.State.PENDING)
        for pk in ids:
            enqueue_now(webhooks.DELIVER_TASK, pk)  # or the reconciler, if Redis is down
        self.message_user(request, f"{len(ids)} deliveries queued again.")


@admin.register(WinBackTask)
class WinBackTaskAdmin(admin.ModelAdmin):
    list_display = [
        "deal",
        "theme",
        "owner",
        "lost_amount_money",
        "lost_at",
        "state",
        "reopened_at",
    ]
    list_filter = ["state"]
    search_fields = ["deal__name", "deal__account__name", "theme__title"]
    autocomplete_fields = ["owner"]
    list_select_related = ["deal", "theme", "owner"]
    lost_amount_money = money_column("lost_amount", "Lost amount")
    readonly_fields = [
        "theme",
        "deal",
        "event",
        "note",
        "quote",
        "lost_amount_money",
        "lost_at",
        "loss_reason",
        "created_at",
        "reopened_at",
        "reopened_by",
    ]
