"""Django finds the admin of every area of `insights` through this module."""

from insights.loop import admin as loop_admin  # noqa: F401
from insights.notes import admin as notes_admin  # noqa: F401
from insights.themes import admin as themes_admin  # noqa: F401
