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


_SPLIT_WORDS = """() => {
  const split = [];
  const main = document.querySelector('main');
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const el = node.parentElement;
    // A visually hidden table heading (phone cards) is 1 px wide: every word wraps.
    if (!el.offsetParent || el.closest('thead')?.getBoundingClientRect().width <= 2) continue;
    for (const m of node.data.matchAll(/\\S+/g)) {
      const r = document.createRange();
      r.setStart(node, m.index);
      r.setEnd(node, m.index + m[0].length);
      const boxes = [...r.getClientRects()].filter(b => b.width > 0);
      const lines = new Set(boxes.map(b => Math.round(b.top)));
      if (lines.size > 1) split.push(m[0]);
    }
  }
  // A phone card's column label is drawn by CSS (td[data-label]::before).
  const ctx = document.createElement('canvas').getContext('2d');
  for (const td of main.querySelectorAll('td[data-label]')) {
    const label = getComputedStyle(td, '::before');
    if (!td.offsetParent || label.content === 'none' || !parseFloat(label.width)) continue;
    ctx.font = label.font;
    const longest = Math.max(...td.dataset.label.split(/\\s+/).map(w => ctx.measureText(w).width));
    if (longest > parseFloat(label.width) + 1) split.push(td.dataset.label);
  }
  return [...new Set(split)];
}"""


def split_words(page, *, longest: int = 24) -> list[str]:
    """Words of the page's main content broken across two lines ("Gro|wth", "+16|7%").

    Long unbroken strings (a URL, an address) may break: they could not fit otherwise.
    """
    return [w for w in page.evaluate(_SPLIT_WORDS) if len(w) <= longest and "/" not in w]


def assert_no_split_words(page, *, where: str = "") -> None:
    found = split_words(page)
    assert not found, f"{where or page.url} breaks words across lines: {found}"
