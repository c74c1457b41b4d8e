"""The report's index.html in headless Chromium: every image loads, no console errors."""

from __future__ import annotations

import os
import shutil

import pytest

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


@pytest.mark.browser
@pytest.mark.shared_data
def test_report_page_loads_in_chromium(real_report, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} not installed (make browser)"
        if os.environ.get("EE_TRENDS_REQUIRE_SHARED_DATA") or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # The page is self-contained: alone in another folder, every image still loads.
    alone = tmp_path / "index.html"
    shutil.copy(real_report, alone)
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
            page.goto(alone.as_uri(), wait_until="load")
            sizes = page.eval_on_selector_all(
                "img", "imgs => imgs.map(i => [i.alt, i.complete, i.naturalWidth])"
            )
        finally:
            browser.close()
    assert len(sizes) >= 10
    broken = [src for src, complete, width in sizes if not (complete and width > 0)]
    assert not broken, broken
    assert not errors, errors
