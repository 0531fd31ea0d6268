"""Both sites as a person sees them: the library site for the shipped frameworks and the project's
own site, built, served on a loopback port and opened in headless Chromium (Debian's `chromium`,
driven by Playwright's Python package), at a desktop width (1280 px) and a phone's (390 px).

Skipped, with the reason, when Playwright or a Chromium executable is missing (`make test` installs
Debian's `chromium` where it can). Playwright's own browser downloads are never used: the test
points it at the system Chromium. Screenshots go to each test's tmp_path (pytest keeps the last
few runs' folders), for a person to look at what the assertions checked.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import struct
import threading
from pathlib import Path

import pytest

from tactful.emit import docs

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP, PHONE = 1280, 390


def _chromium() -> str | None:
    for candidate in (os.environ.get("TACTFUL_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module; each test gets a fresh context (cookies, storage)."""
    pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    path = _chromium()
    if path is None:
        pytest.skip("no Chromium found (install Debian's `chromium` package, or set TACTFUL_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def _serve(directory: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output clean
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def served_site(shipped_site):
    with _serve(shipped_site.site_dir) as url:
        yield url


@pytest.fixture(scope="module")
def served_project_site(project_site):
    with _serve(project_site) as url:
        yield url


def _page(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 1000 if width == DESKTOP else 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser):
    context, page = _page(browser, DESKTOP)
    try:
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


# --- code blocks: nothing cut off on the right -----------------------------------------------------

# Pages with the longest code lines: a signal's `mentions` list; the language reference's examples,
# grammar rules, and workflow files with their install commands.
CODE_PAGES = {
    "library": ["signals/"],
    "project": ["reference/language/", "reference/grammar/", "ci/"],
}

# For each visible code block: how wide it is, how wide and tall its content is as laid out, and how
# wide and tall the content would be on unwrapped lines (what a block that does not wrap would have to
# hide or scroll). Reads first, then writes, then reads: two layouts for the whole page.
_MEASURE = """() => {
  const els = [...document.querySelectorAll('.md-content pre > code')];
  const now = els.map((el, i) => {
    const box = el.getBoundingClientRect();
    return {i, visible: box.width > 0, client: el.clientWidth, scroll: el.scrollWidth, tall: el.scrollHeight,
            right: box.right, first: el.textContent.trim().split(String.fromCharCode(10))[0].slice(0, 60)};
  });
  els.forEach(el => { el.style.whiteSpace = 'pre'; });
  const flat = els.map(el => [el.scrollWidth, el.scrollHeight]);
  els.forEach(el => { el.style.whiteSpace = ''; });
  return now.map(b => ({...b, unwrapped: flat[b.i][0], flat: flat[b.i][1]})).filter(b => b.visible);
}"""


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
@pytest.mark.parametrize("site", sorted(CODE_PAGES))
def test_code_blocks_are_not_cut_off_on_the_right(site, width, browser, request, tmp_path):
    """Long lines wrap inside the block: no block's content is wider than the block (which the theme
    would hide behind a scrollbar too thin to notice), no block runs past the window's right edge,
    and the page never scrolls sideways. Each page has lines too long for its blocks at this width,
    so the wrapping is what is being checked."""
    base = request.getfixturevalue("served_site" if site == "library" else "served_project_site")
    context, page = _page(browser, width)
    try:
        for path in CODE_PAGES[site]:
            page.goto(f"{base}/{path}")
            blocks = page.evaluate(_MEASURE)
            assert blocks, f"{path}: no code blocks to check"
            long = [b for b in blocks if b["unwrapped"] > b["client"] + 1]
            assert long, f"{path}: no line is too long at {width} px; the page no longer tests wrapping"
            hidden = [b["first"] for b in blocks if b["scroll"] > b["client"] + 1]
            assert not hidden, f"{path} at {width} px: code runs past its block's right edge in {hidden}"
            outside = [b["first"] for b in blocks if b["right"] > width + 0.5]
            assert not outside, f"{path} at {width} px: code blocks end past the window's right edge: {outside}"
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} scrolls sideways"

            # What a reader sees: the block with the longest line, wrapped, in the window.
            widest = max(long, key=lambda b: (b["unwrapped"], -b["i"]))
            assert widest["tall"] > widest["flat"], f"{path}: the longest line wraps onto more lines"
            page.locator(".md-content pre > code").nth(widest["i"]).scroll_into_view_if_needed()
            shot = tmp_path / f"{site}-{path.strip('/').replace('/', '-')}-{width}.png"
            page.screenshot(path=str(shot))
            assert _png_size(shot)[0] == width
    finally:
        context.close()
