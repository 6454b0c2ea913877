from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.shortcuts import render

from accounts.models import Team, TeamMembership, User
from accounts.roles import Role
from accounts.services import team_add_members, user_set_role


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["joined_at"]


class UserMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["team"]
    readonly_fields = ["joined_at"]
    verbose_name = "team"
    verbose_name_plural = "teams"


class ChooseTeamForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.all())


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "email", "role_name", "team_names", "is_active"]
    list_filter = ["groups", "is_active", "is_staff", "teams"]
    search_fields = ["username", "first_name", "last_name", "email"]
    inlines = [UserMembershipInline]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("FeedbackHub", {"fields": ("title", "notification_preference")}),
    )
    actions = ["make_sales_rep", "make_product_manager", "make_admin", "add_to_team"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "teams")

    @admin.display(description="Role")
    def role_name(self, obj: User) -> str:
        return obj.role or "—"

    @admin.display(description="Teams")
    def team_names(self, obj: User) -> str:
        return ", ".join(t.name for t in obj.teams.all()) or "—"

    def _set_role(self, request, queryset, role: str) -> None:
        for user in queryset:
            user_set_role(user=user, role=role)
        self.message_user(request, f"{queryset.count()} user(s) are now {role}.", messages.SUCCESS)

    @admin.action(description="Set role: sales rep", permissions=["change"])
    def make_sales_rep(self, request, queryset):
        self._set_role(request, queryset, Role.SALES_REP)

    @admin.action(description="Set role: product manager", permissions=["change"])
    def make_product_manager(self, request, queryset):
        self._set_role(request, queryset, Role.PRODUCT_MANAGER)

    @admin.action(description="Set role: admin", permissions=["change"])
    def make_admin(self, request, queryset):
        self._set_role(request, queryset, Role.ADMIN)

    @admin.action(description="Add selected users to a team…", permissions=["change"])
    def add_to_team(self, request, queryset):
        if "apply" in request.POST:
            form = ChooseTeamForm(request.POST)
            if form.is_valid():
                team = form.cleaned_data["team"]
                added = team_add_members(team=team, users=queryset)
                self.message_user(request, f"Added {added} user(s) to {team}.", messages.SUCCESS)
                return None
        else:
            form = ChooseTeamForm()
        return render(
            request,
            "admin/accounts/add_to_team.html",
            {
                **self.admin_site.each_context(request),
                "title": "Add users to a team",
                "form": form,
                "users": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "member_count"]
    list_filter = ["kind", "region"]
    search_fields = ["name"]
    inlines = [MembershipInline]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_members=Count("memberships"))

    @admin.display(description="Members", ordering="_members")
    def member_count(self, obj: Team) -> int:
        return obj._members


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """The audit trail of changes made in admin: read-only, for admins."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["object_repr", "change_message", "user__username"]
    date_hierarchy = "action_time"
    list_select_related = ["user", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
