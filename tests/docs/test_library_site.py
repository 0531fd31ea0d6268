"""The library site on disk: `tactful docs` writes it and `--build` builds it with mkdocs, strictly."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from docs_bundle import ROOT
from tactful.cli import main
from tactful.emit.site import write_site
from tactful.emit import docs


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    from docs_bundle import make_bundle

    site = write_site(make_bundle(), tmp_path_factory.mktemp("fixture-site"), build=True)
    assert site.ok, "\n".join(site.problems)
    return site


def _html(site, page: str) -> str:
    return (site.site_dir / page / "index.html").read_text(encoding="utf-8")


def test_fixture_library_builds_strictly_with_a_page_per_framework_and_team(fixture_site):
    for page in ["", "frameworks/billing.duplicate_charge", "frameworks/service.outage", "teams",
                 "teams/finance", "style", "signals"]:
        assert (fixture_site.site_dir / page / "index.html").is_file(), page
    assert (fixture_site.site_dir / "search" / "search_index.json").is_file()


def test_guards_render_as_a_warning_box_and_pipes_stay_inside_code(fixture_site):
    html = _html(fixture_site, "frameworks/billing.duplicate_charge")
    assert re.search(r'<div class="admonition danger">\s*<p class="admonition-title">Do not send as written when…</p>', html)
    assert "<code>[0-9]{6,}|ORD-[0-9]+</code>" in html


def test_tactful_blocks_are_highlighted_by_our_lexer(fixture_site):
    html = _html(fixture_site, "signals")
    assert '<span class="kd">signal</span>' in html
    assert '<span class="ow">mentions</span>' in html


def test_rewriting_removes_pages_of_deleted_frameworks(bundle, tmp_path):
    write_site(bundle, tmp_path)
    assert (tmp_path / "docs/frameworks/service.outage.md").is_file()
    write_site(bundle.model_copy(update={"frameworks": bundle.frameworks[:1]}), tmp_path)
    assert not (tmp_path / "docs/frameworks/service.outage.md").exists()
    assert (tmp_path / "docs/frameworks/billing.duplicate_charge.md").is_file()


def test_never_overwrites_a_folder_it_did_not_write(bundle, tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: Someone else's site\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_site(bundle, tmp_path)
    assert (tmp_path / "docs" / "index.md").read_text(encoding="utf-8") == "# Mine\n"


def test_mkdocs_problems_come_back_as_values(bundle, tmp_path):
    write_site(bundle, tmp_path)
    (tmp_path / "docs" / "stray.md").write_text("[broken](nowhere.md)\n", encoding="utf-8")
    from tactful.emit.site import build_site

    problems = build_site(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert any("nowhere.md" in p for p in problems)


# --- the shipped frameworks ----------------------------------------------------------------------


def test_shipped_library_site_builds_with_every_framework(shipped_bundle, shipped_site):
    pages = {p.relative_to(shipped_site.out_dir).as_posix() for p in shipped_site.written}
    for fw in shipped_bundle.frameworks:
        assert f"docs/{docs.framework_path(fw.intent)}" in pages
        assert (shipped_site.site_dir / "frameworks" / fw.intent / "index.html").is_file()
    for path in pages:
        text = (shipped_site.out_dir / path).read_text(encoding="utf-8")
        assert str(ROOT) not in text and "/tmp/" not in text, path


def test_shipped_replies_render_without_template_syntax(shipped_bundle):
    for fw in shipped_bundle.frameworks:
        page = docs.emit(shipped_bundle)[f"docs/{docs.framework_path(fw.intent)}"]
        replies = page.split("## Replies")[1].split("## Examples")[0]
        assert "{{" not in replies and "{%" not in replies and "None" not in replies, fw.intent


def test_cli_docs_writes_and_builds_the_site(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "site-src"
    result = CliRunner().invoke(main, ["docs", "frameworks", "--out", str(out), "--build", "--format", "compact"])
    assert result.exit_code == 0, result.output
    assert (out / "mkdocs.yml").is_file() and (out / "site" / "index.html").is_file()


def test_cli_docs_exit_codes(tmp_path):
    bad = tmp_path / "lib"
    bad.mkdir()
    (bad / "x.tact").write_text('framework billing.x "X"\n  owner nobody\n', encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["docs", str(bad), "--out", str(tmp_path / "o")]).exit_code == 1
    assert not (tmp_path / "o").exists()
    assert runner.invoke(main, ["docs", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]).exit_code == 2


def test_a_relative_out_folder_builds_the_site_where_it_says(tmp_path):
    """`make run` passes `--out out/site-src`: the site must land in out/site-src/site, not inside it twice."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    shutil.copytree(ROOT / "frameworks", tmp_path / "frameworks")
    shutil.copy(ROOT / "tactful.toml", tmp_path / "tactful.toml")
    tactful = Path(sys.executable).with_name("tactful")
    done = subprocess.run([str(tactful), "docs", "frameworks", "--out", "out/site-src", "--build"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out/site-src/site/index.html").is_file()
    assert not (tmp_path / "out/site-src/out").exists()
