"""The library site as a person sees it: built for the shipped frameworks, served on a loopback
port and opened in headless Chromium (Debian's `chromium`, driven by Playwright's Python package).

Skipped, with the reason, when Playwright or a Chromium executable is missing. Playwright's own
browser downloads are never used: the test points it at the system Chromium.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from tactful.emit import docs

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _chromium() -> str | None:
    for candidate in (os.environ.get("TACTFUL_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def chromium():
    pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    path = _chromium()
    if path is None:
        pytest.skip("no Chromium found (install Debian's `chromium` package, or set TACTFUL_CHROMIUM)")
    return path


@pytest.fixture(scope="module")
def served_site(shipped_site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output clean
            pass

    handler = functools.partial(Quiet, directory=str(shipped_site.site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def page(chromium, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 1600},
        )
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            context.close()


def _showcase(bundle):
    """A framework whose page has everything to look at: guards, slots and a rendered reply."""
    return max(bundle.frameworks, key=lambda f: (bool(f.guards), len(f.slots), len(f.escalations), f.intent))


def test_framework_page_in_a_browser(shipped_bundle, served_site, page, tmp_path):
    fw = _showcase(shipped_bundle)
    page.goto(f"{served_site}/frameworks/{fw.intent}/")
    assert page.title().startswith(fw.title)

    guards = page.locator(".admonition.danger")
    assert guards.is_visible()
    assert "Do not send as written when" in guards.inner_text()
    for g in fw.guards:  # its own guards with their reasons; the house policy's by name (collapsed)
        assert (g.reason.split(":")[0] if g.policy is None else g.name) in guards.inner_text(), g.name

    slots = page.locator("table", has=page.locator("th", has_text="required")).first
    assert slots.is_visible()
    for s in fw.slots:
        assert slots.locator("code", has_text=s.name).first.is_visible()

    reply = fw.replies[-1]
    values = docs.example_values(shipped_bundle, fw)
    next_text, _ = docs.render_move(shipped_bundle, next(m for m in reply.moves if m.kind == "next"), values)
    quote = page.locator("blockquote", has_text=next_text[:40]).first
    assert quote.is_visible()
    assert "Next step" in quote.inner_text()
    assert "{{" not in quote.inner_text() and "{%" not in quote.inner_text()

    page.screenshot(path=str(tmp_path / "framework-page.png"), full_page=True)
    top = tmp_path / "framework-page-top.png"  # what a reader sees first: title, guards, slots
    page.screenshot(path=str(top))
    assert top.stat().st_size > 10_000


def test_search_finds_a_framework_by_a_word_of_its_title(shipped_bundle, served_site, page, tmp_path):
    # the most distinctive title word: the longest one that no other framework's title has
    counts: dict[str, int] = {}
    for f in shipped_bundle.frameworks:
        for w in set(f.title.lower().split()):
            counts[w] = counts.get(w, 0) + 1
    fw, word = max(((f, w) for f in shipped_bundle.frameworks for w in f.title.lower().split()
                    if counts[w] == 1 and w.isalpha()), key=lambda fw_w: (len(fw_w[1]), fw_w[0].intent))

    page.goto(f"{served_site}/")
    box = page.locator("input.md-search__input")
    if not box.is_visible():  # narrow screens hide the box behind a button
        page.locator("label[for='__search']").first.click()
    box.click()
    box.type(word, delay=20)
    hit = page.locator(f".md-search-result__item a[href*='frameworks/{fw.intent}/']").first
    hit.wait_for(state="visible")
    page.screenshot(path=str(tmp_path / "search.png"))
    hit.click()
    page.wait_for_url(f"**/frameworks/{fw.intent}/**")
    assert page.locator("h1").first.inner_text().strip().rstrip("¶").strip() == fw.title
