"""Checks every page must pass, for the browser tests: axe-core, phone width, words.

axe-core is vendored next to this file (vendor/axe-core/, test-only, never
served): nothing is downloaded while the tests run.
"""

import re
from functools import cache
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# What a person notices: a control nobody can name, text too faint to read, a
# link that says nothing. axe's "moderate" and "minor" findings are advice,
# except the page's structure, which a screen reader user moves by: one main
# landmark holding the content, one h1, headings that do not skip levels.
BLOCKING_IMPACTS = ("serious", "critical")
STRUCTURE_RULES = frozenset(
    {"landmark-one-main", "region", "page-has-heading-one", "heading-order", "landmark-unique"}
)
# A stored choice value leaking into a page: "closed_won", "mid_market",
# "Closed_Won", and the bare codes a person never types ("smb").
RAW_VALUE = re.compile(r"\b(?:[A-Za-z]+_[A-Za-z_]+|smb)\b")


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, *, impacts=BLOCKING_IMPACTS, rules=STRUCTURE_RULES) -> list[dict]:
    """Run axe-core on the page as it is now; the violations of the given impacts or rules.

    The script is evaluated through the browser's debugging protocol, so the
    page's Content-Security-Policy stays as strict as it is for users (an
    injected <script> tag would be refused by it, and rightly so).
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source() + "\n;undefined")
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                resultTypes: ['violations'],
                // Off in axe by default (WCAG 2.2): controls a thumb can hit, 24 px or spaced.
                rules: {'target-size': {enabled: true}},
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')),
                summary: v.nodes.length ? v.nodes[0].failureSummary : '',
            }));
        }"""
    )
    return [v for v in results if v["impact"] in impacts or v["id"] in rules]


def describe(violations: list[dict]) -> str:
    """One readable block per rule: id, impact, what to fix, where (first few elements)."""
    lines = []
    for v in violations:
        where = ", ".join(v["targets"][:5]) + (" …" if len(v["targets"]) > 5 else "")
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}\n    at {where}")
        if v["summary"]:
            lines.append("    " + v["summary"].replace("\n", "\n    "))
    return "\n".join(lines)


def assert_accessible(page, *, known: frozenset[str] = frozenset(), where: str = "") -> None:
    """No serious or critical axe-core violation nor broken structure, apart from `known` rules.

    A known rule that no longer fails is reported too, so the list of known
    failures stays exact and shrinks as pages are fixed.
    """
    found = axe_violations(page)
    unexpected = [v for v in found if v["id"] not in known]
    assert not unexpected, f"{where or page.url}: axe-core finds\n{describe(unexpected)}"
    gone = known - {v["id"] for v in found}
    assert not gone, f"{where or page.url}: now passes {sorted(gone)}; drop it from the known list"


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def assert_no_horizontal_scroll(page, *, where: str = "") -> None:
    """The page fits the window's width: nothing to scroll sideways to."""
    extra = horizontal_overflow(page)
    if extra > 0:
        wide = page.evaluate(
            """() => {
                const w = document.documentElement.clientWidth;
                return [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > w + 1)
                    .filter(el => !el.parentElement
                        || el.parentElement.getBoundingClientRect().right <= w + 1)
                    .slice(0, 5)
                    .map(el => el.tagName.toLowerCase()
                        + (el.id ? '#' + el.id : '')
                        + (el.className && typeof el.className === 'string'
                            ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
            }"""
        )
        raise AssertionError(
            f"{where or page.url}: scrolls sideways by {extra} px; too wide: {', '.join(wide)}"
        )


def raw_values(text: str) -> list[str]:
    """The stored choice values in a text ("Closed_Won", "mid_market", "smb"), in order."""
    return RAW_VALUE.findall(text)


def assert_no_raw_values(page, *, where: str = "") -> None:
    """The visible text shows labels ("Closed won", "Mid-market"), never stored values."""
    found = raw_values(page.inner_text("body"))
    assert not found, f"{where or page.url} shows raw values: {sorted(set(found))}"
