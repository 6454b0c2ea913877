"""The user forms of Django admin: a new person on one screen, exactly one role.

Roles are permission groups (accounts.roles), but admin never shows the groups
as a free multi-select: a role is one choice, and choosing another replaces
the old one (accounts.services.user_set_role), so nobody holds two roles.
"""

from django import forms
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from accounts.models import Team, User
from accounts.roles import Role
from accounts.rules import own_deactivation_problem, own_role_problem

ROLE_HELP = (
    "What they may do: a sales rep logs calls and sees what became of them; a product "
    "manager triages themes; an admin manages people and data here. One role per person."
)


class UserAddForm(UserCreationForm):
    """Everything a new person needs, on one screen: name, email, team, role, password."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(label="Email", help_text="For password resets and notifications.")
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"),
        required=False,
        help_text="Reps belong to a sales team, product managers to a product team. "
        "More teams can be added on the person's page.",
    )
    role = forms.ChoiceField(choices=Role.CHOICES, widget=forms.RadioSelect, help_text=ROLE_HELP)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email")

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A user with this email address already exists.")
        return email

    def clean(self):
        data = super().clean()
        team = data.get("team")
        problem = team and team.role_problem(data.get("role"))
        if problem:
            self.add_error("team", f"{problem} Pick another team or role.")
        return data


class TeamRoleFormSet(forms.BaseInlineFormSet):
    """Memberships edited inline: each person's role must fit each team's kind.

    On a person's page the role is the one being saved with the memberships;
    on a team's page, the kind is the one being saved with its members.
    """

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            problem = None if data.get("DELETE") else self._problem(data)
            if problem:
                raise forms.ValidationError(problem)

    def _problem(self, data) -> str | None:
        if isinstance(self.instance, Team):
            team = Team(name=self.instance.name, kind=self.data.get("kind", self.instance.kind))
            user = data.get("user")
            return user and team.role_problem(user.role)
        team = data.get("team")
        return team and team.role_problem(self.data.get("role", self.instance.role) or None)


class UserRoleChangeForm(UserChangeForm):
    """The person's page: the role as one choice instead of the groups."""

    role = forms.ChoiceField(
        choices=[("", "No role (sees nothing until given one)"), *Role.CHOICES],
        required=False,
        widget=forms.RadioSelect,
        help_text=ROLE_HELP,
    )

    # The admin who edits (set by UserAdmin.get_form): nobody may shut themselves out.
    editor = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["role"].initial = self.instance.role or ""

    def clean(self):
        data = super().clean()
        if self.editor is not None and self.instance.pk:
            me = {"actor": self.editor, "user": self.instance}
            role = own_role_problem(**me, role=data.get("role") or None)
            if role:
                self.add_error("role", role)
            active = own_deactivation_problem(**me, active=data.get("is_active", True))
            if active:
                self.add_error("is_active", active)
        return data
