"""Tiny inline SVG charts: no chart library, nothing fetched by the browser."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from insights.themes import figures

register = template.Library()


@register.simple_tag
def sparkline(values, width=120, height=28):
    values = list(values or [])[-12:]
    if not values:
        return ""
    top = max(max(values), 1)
    step = width / max(len(values) - 1, 1)
    points = " ".join(
        f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values)
    )
    return format_html(
        '<svg class="spark" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="weekly mentions, last 12 weeks: {}"><polyline fill="none" '
        'stroke="currentColor" stroke-width="1.5" points="{}"/></svg>',
        width,
        height,
        width,
        height,
        ", ".join(str(v) for v in values),
        points,
    )


@register.filter
def growth(weekly):
    """insights.themes.figures.growth of a weekly series, as a signed percentage."""
    ratio = figures.growth(weekly)
    if ratio is None:
        return "—"
    return "new" if ratio == float("inf") else f"{ratio:+.0%}"


@register.simple_tag
def bars(values, width=520, height=80):
    values = [int(v) for v in (values or [])]
    if not values:
        return ""
    top = max(max(values), 1)
    bar = width / len(values)
    # Only numbers go into the markup, so it is safe to mark it so.
    rects = "".join(
        f'<rect x="{i * bar + 1:.1f}" y="{height - (v / top) * height:.1f}" '
        f'width="{bar - 2:.1f}" height="{(v / top) * height:.1f}"><title>{v}</title></rect>'
        for i, v in enumerate(values)
    )
    return mark_safe(  # noqa: S308
        f'<svg class="bars" width="100%" height="{int(height)}" preserveAspectRatio="none" '
        f'viewBox="0 0 {int(width)} {int(height)}" role="img" '
        f'aria-label="weekly mentions, last {len(values)} weeks">{rects}</svg>'
    )
