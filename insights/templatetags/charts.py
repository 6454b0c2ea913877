"""Charts as server-side SVG: no chart library, no script, nothing fetched by the browser.

Why SVG from the server rather than a vendored library: the pages carry at
most a few dozen small series, a library costs 60-200 kB of script on every
page that shows one, and the strict CSP forbids inline script, so every chart
would need its own file. An SVG drawn here is a few kilobytes, prints, and
reads without script. Each chart says what it shows in a <title> and an
aria-label (with the values), and each point of an interactive chart is a
focusable element with its own <title>: its value shows on hover and on
keyboard focus (CSS in static/css/app.css). See docs/design.md.
"""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from feedbackhub import periods
from insights.themes import figures

register = template.Library()


def _weeks(values: list[int], week_starts=None) -> list[dt.date]:
    if week_starts:
        return list(week_starts)[-len(values) :]
    return periods.week_starts(timezone.localdate(), len(values))


def _point_label(day: dt.date, value: int, noun: str) -> str:
    return f"Week of {day:%-d %b %Y}: {value:,} {noun}"


@register.simple_tag
def sparkline(values, width=120, height=28, noun="mentions", points=False, week_starts=None):
    """A small line of weekly counts, its last value labelled at the end.

    With `points`, each week is a focusable point whose value shows on hover
    and focus (the overview, a competitor); without, the whole line has one
    <title> with every value (the dashboard's fifty rows stay one tab stop each).
    """
    values = [int(v) for v in list(values or [])[-12:]]
    if not values:
        return ""
    weeks = _weeks(values, week_starts)
    top = max(max(values), 1)
    step = (width - 4) / max(len(values) - 1, 1)
    xy = [(2 + i * step, height - 3 - (v / top) * (height - 8)) for i, v in enumerate(values)]
    summary = (
        f"Weekly {noun}, last {len(values)} weeks (from the week of {weeks[0]:%-d %b}): "
        f"{', '.join(str(v) for v in values)}; total {sum(values):,}"
    )
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = ""
    if points:
        dots = "".join(
            '<g class="pt" tabindex="0" role="img" aria-label="{label}"><title>{label}</title>'
            '<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5"/>'
            '<text class="v" x="{x:.1f}" y="{ty:.1f}" text-anchor="middle">{v}</text></g>'.format(
                label=escape(_point_label(weeks[i], v, noun)), x=x, y=y, ty=max(y - 5, 7), v=v
            )
            for i, ((x, y), v) in enumerate(zip(xy, values, strict=True))
        )
    return format_html(
        '<svg class="spark{}" width="{}" height="{}" viewBox="0 0 {} {}" role="{}" aria-label="{}">'
        '<title>{}</title><polyline fill="none" stroke="currentColor" stroke-width="1.5" '
        'points="{}"/>{}</svg>',
        " interactive" if points else "",
        width,
        height,
        width,
        height,
        "group" if points else "img",
        summary,
        summary,
        line,
        mark_safe(dots),  # noqa: S308 - built above from numbers and escaped labels
    )


@register.filter
def growth(weekly):
    """insights.themes.figures.growth of a weekly series, as a signed percentage."""
    ratio = figures.growth(weekly)
    if ratio is None:
        return "—"
    return "new" if ratio == float("inf") else f"{ratio:+.0%}"


@register.simple_tag
def growth_cell(weekly):
    """The growth figure with, on hover, the two counts it compares (and why "—")."""
    values = list(weekly or [])
    recent, before = sum(values[-4:]), sum(values[-8:-4])
    shown = growth(values)
    why = ""
    if shown == "—" and before:
        why = f"; fewer than {figures.GROWTH_MIN_BASE} before, too few to compare"
    return format_html(
        '<span title="{} mentions in the last 4 weeks, {} in the 4 before{}">{}</span>',
        recent,
        before,
        why,
        shown,
    )


@register.simple_tag
def bars(values, week_starts=None, noun="mentions", width=520, height=150):
    """Weekly bars with a y axis (0 and the peak), dated x labels, a total, and
    each bar focusable with its value shown on hover and focus."""
    values = [int(v) for v in (values or [])]
    if not values:
        return ""
    weeks = _weeks(values, week_starts)
    left, bottom, top_pad = 30, 18, 14
    plot_w, plot_h = width - left - 4, height - bottom - top_pad
    top = max(max(values), 1)
    bar = plot_w / len(values)
    parts = [
        f'<line class="axis" x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}"/>',
        f'<line class="axis" x1="{left}" y1="{top_pad + plot_h}" x2="{width - 4}" '
        f'y2="{top_pad + plot_h}"/>',
        f'<text class="tick" x="{left - 4}" y="{top_pad + 4}" text-anchor="end">{top}</text>',
        f'<text class="tick" x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end">0</text>',
    ]
    for i in sorted({0, len(values) // 2, len(values) - 1}):
        anchor = "start" if i == 0 else ("end" if i == len(values) - 1 else "middle")
        x = left + i * bar + (0 if anchor == "start" else bar if anchor == "end" else bar / 2)
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{height - 4}" text-anchor="{anchor}">'
            f"{weeks[i]:%-d %b}</text>"
        )
    for i, v in enumerate(values):
        h = (v / top) * plot_h
        x, y = left + i * bar + 1, top_pad + plot_h - h
        label = escape(_point_label(weeks[i], v, noun))
        parts.append(
            f'<g class="bar" tabindex="0" role="img" aria-label="{label}"><title>{label}</title>'
            f'<rect class="hit" x="{x:.1f}" y="{top_pad}" width="{bar - 2:.1f}" height="{plot_h}"/>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}"/>'
            f'<text class="v" x="{x + (bar - 2) / 2:.1f}" y="{max(y - 3, 10):.1f}" '
            f'text-anchor="middle">{v}</text></g>'
        )
    total = sum(values)
    peak = values.index(max(values))
    summary = (
        f"Weekly {noun}, {len(values)} weeks from the week of {weeks[0]:%-d %b %Y}: "
        f"total {total:,}, peak {values[peak]:,} in the week of {weeks[peak]:%-d %b}"
    )
    # Only numbers, dates and escaped labels go into the markup.
    return mark_safe(  # noqa: S308
        f'<figure class="chart"><svg class="bars" viewBox="0 0 {width} {height}" role="group" '
        f'aria-label="{escape(summary)}"><title>{escape(summary)}</title>{"".join(parts)}</svg>'
        f"<figcaption>Total {total:,} {escape(noun)} in {len(values)} weeks; "
        f"peak {values[peak]:,} in the week of {weeks[peak]:%-d %b}.</figcaption></figure>"
    )


@register.filter
def sum_of(values) -> int:
    return sum(int(v) for v in values or [])


@register.filter
def peak_of(values) -> int:
    return max((int(v) for v in values or []), default=0)


@register.simple_tag
def rate_bar(tally, width=80, height=8):
    """A win rate as a small bar (the figure beside it is the value); nothing without deals."""
    if not tally.n:
        return ""
    filled = width * tally.win_rate
    return format_html(
        '<svg class="rate{}" width="{}" height="{}" viewBox="0 0 {} {}" aria-hidden="true">'
        '<rect class="track" width="{}" height="{}"/><rect width="{}" height="{}"/></svg>',
        " small" if tally.small else "",
        width,
        height,
        width,
        height,
        width,
        height,
        f"{filled:.1f}",
        height,
    )
