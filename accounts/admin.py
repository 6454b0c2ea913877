from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.shortcuts import render

from accounts.admin_forms import TeamRoleFormSet, UserAddForm, UserRoleChangeForm
from accounts.models import Team, TeamMembership, User
from accounts.roles import Role
from accounts.rules import SUPERUSER_ONLY, can_manage_person, own_role_problem
from accounts.services import team_add_members, user_set_role


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    formset = TeamRoleFormSet
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["joined_at"]


class UserMembershipInline(admin.TabularInline):
    model = TeamMembership
    formset = TeamRoleFormSet
    extra = 0
    autocomplete_fields = ["team"]
    readonly_fields = ["joined_at"]
    verbose_name = "team"
    verbose_name_plural = "teams"


class ChooseTeamForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.all())


class RoleFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [*Role.CHOICES, ("none", "No role")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.exclude(groups__name__in=Role.ALL).filter(is_superuser=False)
        if self.value() in Role.ALL:
            return queryset.filter(groups__name=self.value())
        return queryset


def _role_noun(role: str, count: int) -> str:
    noun = role.lower() if role != Role.ADMIN else "admin"
    if count != 1:
        return f"{noun}s"
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserAddForm
    # Django's add template says "after you've created a user, you'll be able to
    # edit more"; here everything is on the one screen.
    add_form_template = None
    form = UserRoleChangeForm
    list_display = ["username", "full_name", "email", "role_name", "team_names", "is_active"]
    list_filter = [RoleFilter, "is_active", "teams"]
    search_fields = ["username", "first_name", "last_name", "email"]
    inlines = [UserMembershipInline]
    readonly_fields = ["is_staff", "last_login", "date_joined"]
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "team",
                    "role",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "title")}),
        ("Role", {"fields": ("role",)}),
        (
            "Access",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "user_permissions"),
                "description": "Admin access (staff) comes with the Admin role. Single extra "
                "permissions are for exceptions; the role gives everyone else theirs.",
            },
        ),
        ("Notifications", {"fields": ("notification_preference",)}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    actions = ["make_sales_rep", "make_product_manager", "make_admin", "add_to_team"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "teams")

    def has_change_permission(self, request, obj=None):
        # An Admin reads a superuser's page but cannot change it, nor reset
        # their password (Django's password view asks this too): see SUPERUSER_ONLY.
        if obj is not None and not can_manage_person(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting oneself shuts one out at once, like taking away one's own
        # Admin role; another admin can do it. Bulk deletes check each person.
        if obj is not None and obj.pk == request.user.pk:
            return False
        if obj is not None and not can_manage_person(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Superuser status passes every permission check, and single permissions
        # add to a role: only a superuser may hand either out, or an Admin could
        # make themselves more than an Admin with one tick.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"editor": request.user}) if obj else form

    def get_inlines(self, request, obj):
        # On the add screen the team is a field of the form (one screen, one save).
        return self.inlines if obj is not None else []

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user, data = form.instance, form.cleaned_data
        if not change or "role" in form.changed_data:
            user_set_role(user=user, role=data.get("role") or None)
        if data.get("team"):
            team_add_members(team=data["team"], users=[user])

    def response_add(self, request, obj, post_url_continue=None):
        # Django's UserAdmin sends a new user on to a second screen; here the
        # first one already had everything.
        return admin.ModelAdmin.response_add(self, request, obj, post_url_continue)

    @admin.display(description="Name", ordering="last_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name() or "—"

    @admin.display(description="Role")
    def role_name(self, obj: User) -> str:
        return obj.role or "—"

    @admin.display(description="Teams")
    def team_names(self, obj: User) -> str:
        return ", ".join(t.name for t in obj.teams.all()) or "—"

    def _set_role(self, request, queryset, role: str) -> None:
        users = list(queryset)
        for user in users:
            problem = own_role_problem(actor=request.user, user=user, role=role)
            if not can_manage_person(request.user, user):
                problem = f"{SUPERUSER_ONLY} ({user.display_name})"
            if problem:
                self.message_user(request, f"Nobody's role was changed. {problem}", messages.ERROR)
                return
        for user in users:
            user_set_role(user=user, role=role)  # replaces any role they had
        if len(users) == 1:
            message = f"{users[0].display_name} is now {_role_noun(role, 1)}."
        else:
            message = f"{len(users)} people are now {_role_noun(role, len(users))}."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Change role to sales rep", permissions=["change"])
    def make_sales_rep(self, request, queryset):
        self._set_role(request, queryset, Role.SALES_REP)

    @admin.action(description="Change role to product manager", permissions=["change"])
    def make_product_manager(self, request, queryset):
        self._set_role(request, queryset, Role.PRODUCT_MANAGER)

    @admin.action(description="Change role to admin", permissions=["change"])
    def make_admin(self, request, queryset):
        self._set_role(request, queryset, Role.ADMIN)

    @admin.action(description="Add selected users to a team…", permissions=["change"])
    def add_to_team(self, request, queryset):
        if "apply" in request.POST:
            form = ChooseTeamForm(request.POST)
            misplaced = form.is_valid() and [
                f"{user.display_name} ({user.role})"
                for user in queryset
                if form.cleaned_data["team"].role_problem(user.role)
            ]
            if misplaced:
                team = form.cleaned_data["team"]
                why = team.role_problem(Role.SALES_REP) or team.role_problem(Role.PRODUCT_MANAGER)
                form.add_error("team", f"{why} Not added: {', '.join(misplaced)}.")
            if form.is_valid():
                team = form.cleaned_data["team"]
                added = team_add_members(team=team, users=queryset)
                people = "1 person" if added == 1 else f"{added} people"
                self.message_user(request, f"Added {people} to {team}.", messages.SUCCESS)
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


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """The three roles are groups written from code (accounts.roles) at every migrate.

    Deleting one took the role away from everyone who had it (each of them then
    saw "no role yet" and a 403 everywhere) and renaming one did the same, until
    the next migrate put it back; changing its permissions lasted only until
    then. So they are read here and changed in code; other groups are as usual.
    """

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.name in Role.ALL:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in Role.ALL:
            return False
        return super().has_delete_permission(request, obj)
