"""What a themes export's file is called: the view it holds, and the day it was taken.

Two exports of different views used to share one name (feedbackhub-themes.csv),
so a downloaded file no longer said which period or filters it held. The name
now carries them: feedbackhub-themes_last-90-days_segment-smb_by-revenue_2026-11-26.csv.
The CSV itself stays a clean table (one header row of column names, then one row
a theme) so spreadsheets and scripts read it as is; see docs/design.md.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from accounts.models import Team
from deals.models import Competitor, Region, Segment, Stage
from feedbackhub import periods
from insights.themes.dashboard import Filters
from insights.themes.models import ThemeStatus

_MAX_NAME = 180  # characters before the date; browsers and file systems cope with this


def _name_of(model, pk: int | None) -> str:
    if pk is None:
        return ""
    found = model.objects.filter(pk=pk).first()
    return str(found) if found else str(pk)


def view_parts(filters: Filters, sort: str) -> list[str]:
    """The export's view in words, one part per filter given."""
    period = periods.BY_KEY.get(filters.period)
    parts = [f"last {period.label}" if period else "all time"]
    labelled = [
        ("segment", dict(Segment.choices).get(filters.segment, filters.segment)),
        ("region", dict(Region.choices).get(filters.region, filters.region)),
        ("team", _name_of(Team, filters.team)),
        ("tag", filters.tag),
        ("stage", dict(Stage.choices).get(filters.stage, filters.stage)),
        ("vs", _name_of(Competitor, filters.competitor)),
        ("status", dict(ThemeStatus.choices).get(filters.status, filters.status)),
        ("owner", _name_of(get_user_model(), filters.owner)),
    ]
    parts += [f"{what} {value}" for what, value in labelled if value]
    if filters.new_since:
        parts.append(f"new since {filters.new_since:%Y-%m-%d}")
    parts.append(f"by {sort}")
    return parts


def export_filename(*, filters: Filters, sort: str, on: dt.date) -> str:
    view = "_".join(slugify(part) for part in view_parts(filters, sort))[:_MAX_NAME]
    return f"feedbackhub-themes_{view}_{on.isoformat()}.csv"
