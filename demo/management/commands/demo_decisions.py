from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from demo.seed.decisions import make_decisions


class Command(BaseCommand):
    help = (
        "Demo only: a product manager ships, plans, starts and declines a theme each "
        "(once), so that notifications, win-back and My requests have something to show."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", default="pm.alex")

    def handle(self, *args, username: str, **options):
        pm = get_user_model().objects.filter(username=username).first()
        if pm is None:
            raise CommandError(f"No user {username!r}: run seed_demo first.")
        decided = make_decisions(pm=pm)
        if not decided:
            self.stdout.write(
                "Themes already have product decisions (or none exist); nothing done."
            )
        for theme, status in decided:
            self.stdout.write(f"“{theme.title}” → {status}")
