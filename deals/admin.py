from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from deals.models import Account, Competitor, Deal, Stage
from feedbackhub.admin_display import money_column


class DealInline(admin.TabularInline):
    model = Deal
    extra = 0
    fields = ["name", "owner", "amount", "stage", "opened_on", "expected_close_date"]
    autocomplete_fields = ["owner"]
    show_change_link = True


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "domain",
        "segment",
        "region",
        "lifecycle",
        "arr_money",
        "owner",
        "deal_count",
    ]
    list_filter = ["segment", "region", "lifecycle", "industry"]
    search_fields = ["name", "domain"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [DealInline]
    actions = ["mark_customer", "mark_churned"]
    arr_money = money_column("arr", "ARR")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner").annotate(_deals=Count("deals"))

    @admin.display(description="Deals", ordering="_deals")
    def deal_count(self, obj: Account) -> int:
        return obj._deals

    @admin.action(description="Mark as customer", permissions=["change"])
    def mark_customer(self, request, queryset):
        queryset.update(lifecycle=Account.Lifecycle.CUSTOMER)

    @admin.action(description="Mark as churned", permissions=["change"])
    def mark_churned(self, request, queryset):
        queryset.update(lifecycle=Account.Lifecycle.CHURNED)


@admin.register(Competitor)
class CompetitorAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "deal_count"]
    search_fields = ["name"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_deals=Count("deals"))

    @admin.display(description="Deals", ordering="_deals")
    def deal_count(self, obj: Competitor) -> int:
        return obj._deals


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "account",
        "owner",
        "amount_money",
        "stage",
        "expected_close_date",
        "closed_at",
    ]
    list_filter = ["stage", "account__segment", "account__region", "competitor"]
    search_fields = ["name", "account__name"]
    autocomplete_fields = ["account", "owner", "competitor"]
    list_select_related = ["account", "owner"]
    readonly_fields = ["call_notes", "closed_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    actions = ["mark_won", "mark_lost"]
    amount_money = money_column("amount", "Amount")

    @admin.display(description="Call notes")
    def call_notes(self, obj: Deal) -> str:
        # Notes are written by reps; admin links to them rather than editing them here.
        count = obj.call_notes.count() if obj.pk else 0
        url = reverse("admin:insights_callnote_changelist") + f"?deal__id__exact={obj.pk}"
        return format_html('<a href="{}">{} notes on this deal</a>', url, count)

    @admin.action(description="Mark as closed won", permissions=["change"])
    def mark_won(self, request, queryset):
        for deal in queryset:
            deal.stage = Stage.CLOSED_WON
            deal.save()

    @admin.action(description="Mark as closed lost", permissions=["change"])
    def mark_lost(self, request, queryset):
        for deal in queryset:
            deal.stage = Stage.CLOSED_LOST
            deal.save()
