from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and teams"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts.roles import sync_role_groups

        # Permissions exist only after migrate has run, so the role groups
        # are (re)built then, on every database, including the test one.
        post_migrate.connect(sync_role_groups, sender=self)
