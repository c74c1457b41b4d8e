"""The report's index.html in headless Chromium, at 1280 and 400 pixels wide.

The page is opened alone (copied to another folder): every image loads, no
console error, every round of the inline cutoff chart carries its tooltip and
is what lies under the pointer (on a wide screen), the page never scrolls sideways, no
table scrolls inside its box (on a phone its rows are stacked), and no image is shown
below 55% of the width it was drawn at (a phone gets each figure's narrow version). A
screenshot of each width is saved next to the report (``screenshot-1280.png``,
``screenshot-400.png``) for people to look at.
"""

from __future__ import annotations

import os
import shutil

import pytest

from ee_trends.output.html import NARROW_SCREEN

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WIDTHS = (1280, 400)


@pytest.mark.browser
@pytest.mark.shared_data
def test_report_page_in_chromium_at_two_widths(real_report, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} not installed (make browser)"
        if os.environ.get("EE_TRENDS_REQUIRE_SHARED_DATA") or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    alone = tmp_path / "index.html"
    shutil.copy(real_report, alone)
    found = {}
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for width in WIDTHS:
                errors: list[str] = []
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.on(
                    "console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None
                )
                page.on("pageerror", lambda err, e=errors: e.append(str(err)))
                page.on("requestfailed", lambda r, e=errors: e.append(f"failed: {r.url}"))
                page.goto(alone.as_uri(), wait_until="load")
                images = page.eval_on_selector_all(
                    "img", "imgs => imgs.map(i => [i.alt, i.complete, i.naturalWidth])"
                )
                hover = page.evaluate(
                    """() => {
                        const uses = [...document.querySelectorAll('figure.hover svg use')]
                            .filter(u => u.querySelector('title'));
                        const box = uses[uses.length - 1].getBoundingClientRect();
                        window.scrollTo(0, window.scrollY + box.top - 100);
                        const now = uses[uses.length - 1].getBoundingClientRect();
                        const hit = document.elementFromPoint(
                            now.left + now.width / 2, now.top + now.height / 2);
                        const use = hit && hit.closest('use');
                        return [uses.length, use ? use.querySelector('title').textContent : null];
                    }"""
                )
                overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                )
                layout = page.evaluate(
                    """() => ({
                        // a table wider than its box hides columns behind a scroll bar
                        tables: [...document.querySelectorAll('.scroll')]
                            .filter(box => box.scrollWidth > box.clientWidth + 1)
                            .map(box => box.getAttribute('aria-label')),
                        // each image shown: its displayed width over the width it was drawn
                        shrunk: [...document.querySelectorAll('img')]
                            .filter(img => img.offsetParent !== null)
                            .map(img => [img.alt.slice(0, 40),
                                         img.getBoundingClientRect().width / img.naturalWidth])
                            .filter(([, ratio]) => ratio < 0.55),
                        svg: [...document.querySelectorAll('figure.hover svg')]
                            .filter(svg => svg.getBoundingClientRect().width > 0).length,
                    })"""
                )
                page.screenshot(path=real_report.parent / f"screenshot-{width}.png", full_page=True)
                found[width] = (images, overflow, errors, hover, layout)
                page.close()
        finally:
            browser.close()
    for width, (images, overflow, errors, hover, layout) in found.items():
        assert len(images) >= 8, width
        broken = [alt for alt, complete, natural in images if not (complete and natural > 0)]
        assert not broken, (width, broken)
        assert all(len(alt) > 40 for alt, _, _ in images), (width, "alt text says what it shows")
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
        assert not errors, (width, errors)
        assert layout["tables"] == [], f"tables scroll sideways at {width} px: {layout['tables']}"
        assert layout["shrunk"] == [], f"images shrunk below 55% at {width} px"
        points, under_the_pointer = hover  # the cutoff chart: one tooltip per round
        if width > NARROW_SCREEN:  # a phone gets the chart as a narrow PNG: no pointer to hover
            assert layout["svg"] == 1, width
            assert points == 435 and under_the_pointer.startswith("#"), (width, hover)
        else:
            assert layout["svg"] == 0, width
        assert (real_report.parent / f"screenshot-{width}.png").stat().st_size > 10_000
