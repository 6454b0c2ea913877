"""A note's deal must belong to the note's account — enforced by the database.

Django has no composite foreign keys yet, so on PostgreSQL we add one by hand:
(deal_id, account_id) must match a (id, account_id) pair of deals_deal, which
`deal_id_account_unique` makes referenceable. A note without a deal is not
checked (MATCH SIMPLE). On SQLite (the embedded demo mode) model validation
alone applies.
"""

from django.db import migrations

ADD = """
ALTER TABLE insights_callnote
  ADD CONSTRAINT callnote_deal_of_same_account
  FOREIGN KEY (deal_id, account_id) REFERENCES deals_deal (id, account_id)
"""
DROP = "ALTER TABLE insights_callnote DROP CONSTRAINT callnote_deal_of_same_account"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("deals", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
