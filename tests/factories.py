"""factory_boy factories for the whole project: one obvious place to build test data."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.models import Team, User
from accounts.roles import Role
from deals.models import Account, Competitor, Deal, Segment, Stage
from insights.notes.models import CallNote, Importance, Tag
from insights.themes.models import Theme


def _role(default: str | None):
    """A post-generation hook that gives the user a role (`UserFactory(role=Role.ADMIN)`)."""

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        chosen = extracted or default
        if create and chosen:
            user.groups.add(Group.objects.get(name=chosen))
            if chosen == Role.ADMIN:
                user.is_staff = True
                user.save(update_fields=["is_staff"])

    return role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("secret-pass-123")
    role = _role(None)


class RepFactory(UserFactory):
    username = factory.Sequence(lambda n: f"rep{n}")
    role = _role(Role.SALES_REP)


class ProductManagerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"pm{n}")
    role = _role(Role.PRODUCT_MANAGER)


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    role = _role(Role.ADMIN)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    kind = Team.Kind.SALES
    region = "emea"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Acme {n}")
    domain = factory.Sequence(lambda n: f"acme{n}.example.com")
    segment = Segment.MID_MARKET
    region = "emea"
    industry = "Software"
    arr = Decimal("50000.00")
    owner = factory.SubFactory(RepFactory)


class CompetitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competitor
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Rival {n}")


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Deal {n}")
    owner = factory.SelfAttribute("account.owner")
    amount = Decimal("10000.00")
    stage = Stage.PROPOSAL


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag{n}")


class CallNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallNote
        skip_postgeneration_save = True

    author = factory.SubFactory(RepFactory)
    account = factory.SubFactory(AccountFactory)
    deal = None
    call_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=1))
    body = "They need single sign-on with Okta before rolling out to the whole company."
    importance = Importance.IMPORTANT

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(
                [
                    t if isinstance(t, Tag) else Tag.objects.get_or_create(name=t)[0]
                    for t in extracted
                ]
            )


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    title = factory.Sequence(lambda n: f"Theme {n}")
    auto_title = factory.SelfAttribute("title")
