from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Region

# The largest ARR or deal amount anyone may enter: the columns hold up to
# 999,999,999,999.99, but a billion-plus figure from one account is a typo
# that would swamp every revenue ranking. Form, API, CSV and admin all check it
# through the model fields' validators.
MONEY_MAX = Decimal("1000000000.00")
ARR_TOO_LARGE = "ARR cannot be more than 1,000,000,000."
AMOUNT_TOO_LARGE = "A deal amount cannot be more than 1,000,000,000."


class Segment(models.TextChoices):
    SMB = "smb", "SMB"
    MID_MARKET = "mid_market", "Mid-market"
    ENTERPRISE = "enterprise", "Enterprise"


class Account(models.Model):
    """A customer company (or prospect) that reps talk to."""

    class Lifecycle(models.TextChoices):
        PROSPECT = "prospect", "Prospect"
        CUSTOMER = "customer", "Customer"
        CHURNED = "churned", "Churned"

    name = models.CharField(max_length=200)
    domain = models.CharField(
        max_length=253,
        blank=True,
        help_text="Company web domain, e.g. acme.com; unique when given.",
    )
    segment = models.CharField(max_length=12, choices=Segment.choices, default=Segment.SMB)
    industry = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=10, choices=Region.choices, blank=True)
    lifecycle = models.CharField(
        max_length=10, choices=Lifecycle.choices, default=Lifecycle.PROSPECT
    )
    arr = models.DecimalField(
        "ARR",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[
            MinValueValidator(Decimal("0"), "ARR cannot be negative."),
            MaxValueValidator(MONEY_MAX, ARR_TOO_LARGE),
        ],
        help_text="Annual recurring revenue from this account.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_accounts",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [("change_any_account", "Can change accounts owned by others")]
        constraints = [
            models.UniqueConstraint(
                Lower("domain"),
                condition=~models.Q(domain=""),
                name="account_domain_unique_ci",
                violation_error_message="Another account already uses this domain.",
            ),
            models.CheckConstraint(
                condition=models.Q(arr__gte=0),
                name="account_arr_not_negative",
                violation_error_message="ARR cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(segment__in=Segment.values), name="account_segment_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(lifecycle__in=["prospect", "customer", "churned"]),
                name="account_lifecycle_valid",
            ),
        ]
        indexes = [
            models.Index(Lower("name"), name="account_name_lower_idx"),
            models.Index(fields=["segment", "region"], name="account_segment_region_idx"),
            # The fuzzy account search (deals.selectors): trigram similarity and
            # "contains" both walk this index ("gran foo" finds Granite Foods).
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="account_name_trgm"),
        ]

    def clean(self) -> None:
        self.name = self.name.strip()
        self.domain = self.domain.strip().lower().removeprefix("https://").removeprefix("http://")
        self.domain = self.domain.removeprefix("www.").rstrip("/")

    def __str__(self) -> str:
        return self.name


class Competitor(models.Model):
    """Another vendor that prospects compare us with."""

    name = models.CharField(max_length=100)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="competitor_name_unique_ci",
                violation_error_message="A competitor with this name already exists.",
            )
        ]

    def clean(self) -> None:
        self.name = self.name.strip()

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    PROSPECTING = "prospecting", "Prospecting"
    QUALIFICATION = "qualification", "Qualification"
    PROPOSAL = "proposal", "Proposal"
    NEGOTIATION = "negotiation", "Negotiation"
    CLOSED_WON = "closed_won", "Closed won"
    CLOSED_LOST = "closed_lost", "Closed lost"


OPEN_STAGES = (Stage.PROSPECTING, Stage.QUALIFICATION, Stage.PROPOSAL, Stage.NEGOTIATION)
CLOSED_STAGES = (Stage.CLOSED_WON, Stage.CLOSED_LOST)
# Stage-weighted pipeline: how likely an open deal is to close, by stage
# (closed deals weigh nothing; see docs/definitions.md).
STAGE_WEIGHTS = {
    Stage.PROSPECTING: Decimal("0.10"),
    Stage.QUALIFICATION: Decimal("0.25"),
    Stage.PROPOSAL: Decimal("0.50"),
    Stage.NEGOTIATION: Decimal("0.75"),
}


class DealQuerySet(models.QuerySet):
    def open(self):
        return self.filter(stage__in=OPEN_STAGES)

    def won(self):
        return self.filter(stage=Stage.CLOSED_WON)

    def lost(self):
        return self.filter(stage=Stage.CLOSED_LOST)


class Deal(models.Model):
    """A sales opportunity with one account, worth `amount` if won."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="deals")
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_deals",
        help_text="The rep who owns the deal.",
    )
    amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0"), "A deal amount cannot be negative."),
            MaxValueValidator(MONEY_MAX, AMOUNT_TOO_LARGE),
        ],
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.PROSPECTING)
    opened_on = models.DateField(
        default=timezone.localdate,
        help_text="When the opportunity was opened (in the CRM, for imported deals); "
        "the sales cycle runs from here to the close.",
    )
    expected_close_date = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    loss_reason = models.TextField(blank=True)
    competitor = models.ForeignKey(
        Competitor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        help_text="The main competitor in this deal (for lost deals: who we lost to).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("change_any_deal", "Can change deals owned by others")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="deal_amount_not_negative",
                violation_error_message="A deal amount cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values),
                name="deal_stage_valid",
                violation_error_message="Unknown deal stage.",
            ),
            # Lets a call note's (deal, account) pair reference a deal of
            # that very account, see the insights migration.
            models.UniqueConstraint(fields=["id", "account"], name="deal_id_account_unique"),
        ]
        indexes = [
            models.Index(fields=["stage"], name="deal_stage_idx"),
            models.Index(fields=["account", "stage"], name="deal_account_stage_idx"),
        ]

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def clean(self) -> None:
        if self.stage not in Stage.values:
            raise ValidationError({"stage": f"Unknown stage {self.stage!r}."})
        if self.stage != Stage.CLOSED_LOST and self.loss_reason:
            raise ValidationError({"loss_reason": "Only a closed-lost deal has a loss reason."})

    def save(self, *args, **kwargs) -> None:
        # A deal that closes is stamped once; reopening clears the stamp.
        if self.stage in CLOSED_STAGES and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.stage in OPEN_STAGES:
            self.closed_at = None
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.name} ({self.account})"
