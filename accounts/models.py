from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from accounts.roles import Role, role_of


class Region(models.TextChoices):
    NORTH_AMERICA = "na", "North America"
    EMEA = "emea", "EMEA"
    APAC = "apac", "APAC"
    LATAM = "latam", "Latin America"


class User(AbstractUser):
    """A person who signs in: a sales rep, a product manager or an admin.

    What a user may do comes from the role groups (see accounts.roles), not
    from fields here.
    """

    class NotificationPreference(models.TextChoices):
        IMMEDIATE = "immediate", "Immediately"
        DAILY = "daily", "Daily digest"
        OFF = "off", "Off"

    email = models.EmailField("email address", blank=True)
    title = models.CharField(
        max_length=100, blank=True, help_text="Job title, e.g. Account Executive"
    )
    notification_preference = models.CharField(
        max_length=10,
        choices=NotificationPreference.choices,
        default=NotificationPreference.IMMEDIATE,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
                violation_error_message="A user with this email address already exists.",
            )
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role(self) -> str | None:
        return role_of(self)

    def __str__(self) -> str:
        return self.display_name


class Team(models.Model):
    """A sales or product team; reps and product managers belong to teams."""

    class Kind(models.TextChoices):
        SALES = "sales", "Sales"
        PRODUCT = "product", "Product"

    name = models.CharField(max_length=100)
    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.SALES,
        help_text="Sales teams hold reps (dashboard filters and win/loss group deals by them); "
        "product teams hold product managers.",
    )
    region = models.CharField(max_length=10, choices=Region.choices, blank=True)
    members = models.ManyToManyField(User, through="TeamMembership", related_name="teams")
    created_at = models.DateTimeField(auto_now_add=True)

    def role_problem(self, role: str | None) -> str | None:
        """Why a person of `role` does not belong in this team (None if they do).

        Reps belong to sales teams (the dashboard and win/loss group deals by
        them), product managers to product teams; admins and people without a
        role may be anywhere.
        """
        kind = self.get_kind_display().lower()
        if role == Role.SALES_REP and self.kind != self.Kind.SALES:
            return f"{self.name} is a {kind} team; a sales rep belongs to a sales team."
        if role == Role.PRODUCT_MANAGER and self.kind == self.Kind.SALES:
            return f"{self.name} is a sales team; a product manager belongs to a product team."
        return None

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="team_name_unique_ci",
                violation_error_message="A team with this name already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["sales", "product"]), name="team_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    """That a user belongs to a team, and since when."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    is_lead = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                name="membership_unique",
                violation_error_message="This user is already a member of this team.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class PageVisit(models.Model):
    """When a person last opened a page, kept across sessions for "new since my last visit".

    `visited_at` is the latest visit; `earlier_day_visit` the latest visit on a
    day before it, which is what "since my last visit" compares with all day
    long (accounts.visits).
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    page = models.CharField(max_length=40)
    visited_at = models.DateTimeField()
    earlier_day_visit = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="page_visit_once_per_user_page")
        ]

    def __str__(self) -> str:
        return f"{self.page} by {self.user_id} at {self.visited_at:%d %b %Y %H:%M}"
