"""Writing outputs: a killed or concurrent build never leaves a truncated or mixed output folder,
and nothing outside the folder is followed (issue #12, "build is not crash-safe" and "output paths").

The kill test is bounded and seeded: a child process writes two libraries' outputs in turn into one
folder and is killed with SIGKILL at random moments; after each kill the folder must be exactly one
library's complete outputs (plus the files the outputs do not own). About 3 s.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from filelock import FileLock

from output_helpers import REPO
from tactful.emit.writer import OutputBusy, write

PRUNE = {"templates": ".j2"}


def library(tag: str, n: int = 150) -> dict[str, str]:
    """Outputs shaped like a build's: a bundle, conformance, and many templates (of different sizes)."""
    outputs = {"bundle.json": f'{{"library": "{tag}"}}\n' + "x" * 200_000, "conformance.json": f"[{tag!r}]\n"}
    for i in range(n):
        outputs[f"templates/{tag}.intent_{i % 7}/reply.private.{i}.j2"] = f"{tag} {i} " * (i + 1) + "\n"
    return outputs


def expected(outputs: dict[str, str], extras: dict[str, str]) -> dict[str, str]:
    return {**extras, **outputs}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder and its text, without following symlinks (a symlink: `-> target`)."""
    got = {}
    for root, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            path = Path(root, name)
            rel = path.relative_to(folder).as_posix()
            got[rel] = f"-> {os.readlink(path)}" if path.is_symlink() else path.read_text(encoding="utf-8")
    return got


# --- what is kept, what is pruned, what is never followed ------------------------------------------


def test_a_rebuild_keeps_unowned_files_and_prunes_stale_templates(tmp_path):
    out = tmp_path / "out"
    write(library("A"), out, prune=PRUNE)
    (out / "test-report.txt").write_text("report\n", encoding="utf-8")
    (out / "site-src" / "docs").mkdir(parents=True)
    (out / "site-src" / "docs" / "index.md").write_text("# site\n", encoding="utf-8")
    (out / "templates" / "README.txt").write_text("ours\n", encoding="utf-8")
    write(library("B"), out, prune=PRUNE)
    got = snapshot(out)
    assert not [p for p in got if "/A.intent" in p], "A's templates were left from the earlier build"
    assert got == expected(library("B"), {"test-report.txt": "report\n", "site-src/docs/index.md": "# site\n",
                                          "templates/README.txt": "ours\n"})
    assert not list(tmp_path.glob(".out.tactful-new-*")) and not list(tmp_path.glob(".out.tactful-old-*"))


def test_a_symlinked_templates_folder_is_not_pruned_through(tmp_path):
    """The issue's attack: `out/templates` a symlink to a folder elsewhere; pruning deleted
    `victim/important.j2`."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "important.j2").write_text("keep me\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "templates").symlink_to(victim, target_is_directory=True)
    write(library("A"), out, prune=PRUNE)
    assert (victim / "important.j2").read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in victim.iterdir()) == ["important.j2"]
    assert not (out / "templates").is_symlink() and (out / "templates").is_dir()
    assert snapshot(out) == library("A")


def test_a_symlinked_bundle_does_not_overwrite_its_target(tmp_path):
    victim = tmp_path / "victim.json"
    victim.write_text("precious\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "bundle.json").symlink_to(victim)
    write(library("A"), out, prune=PRUNE)
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not (out / "bundle.json").is_symlink() and snapshot(out) == library("A")


def test_other_symlinks_in_the_folder_are_kept_as_symlinks(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "big.bin").write_text("data\n", encoding="utf-8")
    out = tmp_path / "out"
    write(library("A"), out, prune=PRUNE)
    (out / "link").symlink_to(elsewhere, target_is_directory=True)
    (out / "templates" / "x.j2").symlink_to(elsewhere / "big.bin")  # stale, and a symlink: dropped, not followed
    write(library("B"), out, prune=PRUNE)
    assert (out / "link").is_symlink() and os.readlink(out / "link") == str(elsewhere)
    assert (elsewhere / "big.bin").read_text(encoding="utf-8") == "data\n"
    assert not os.path.lexists(out / "templates" / "x.j2")


def test_the_output_folder_may_itself_be_a_symlink(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "out").symlink_to(real, target_is_directory=True)
    write(library("A"), tmp_path / "out", prune=PRUNE)
    assert (tmp_path / "out").is_symlink() and snapshot(real) == library("A")


def test_a_rebuild_links_the_files_that_did_not_change_and_writes_the_others(tmp_path):
    out = tmp_path / "out"
    first = library("A")
    write(first, out, prune=PRUNE)
    before = {rel: os.stat(out / rel).st_ino for rel in first}
    changed = "templates/A.intent_1/reply.private.1.j2"
    second = {**first, changed: "changed\n", "conformance.json": first["conformance.json"] + " "}
    write(second, out, prune=PRUNE)
    assert snapshot(out) == second
    after = {rel: os.stat(out / rel).st_ino for rel in second}
    kept = {rel for rel in second if after[rel] == before[rel]}
    assert kept == set(first) - {changed, "conformance.json"}


def test_a_rebuild_with_the_same_outputs_touches_nothing(tmp_path):
    out = tmp_path / "out"
    outputs = library("A")
    write(outputs, out, prune=PRUNE)
    (out / "keep.txt").write_text("mine\n", encoding="utf-8")
    before = {p: os.lstat(p) for p in [out, *out.rglob("*")]}
    write(outputs, out, prune=PRUNE)
    after = {p: os.lstat(p) for p in [out, *out.rglob("*")]}
    assert after.keys() == before.keys()
    assert all((after[p].st_ino, after[p].st_mtime_ns) == (before[p].st_ino, before[p].st_mtime_ns) for p in after)
    assert [p.name for p in tmp_path.iterdir() if p.name != ".out.tactful-lock"] == ["out"]


@pytest.mark.parametrize("leftover", ["templates/gone/reply.public.default.j2", "templates/gone/", "templates/x.j2"])
def test_a_rebuild_with_the_same_outputs_still_prunes_what_an_earlier_build_left(tmp_path, leftover):
    out = tmp_path / "out"
    outputs = library("A")
    write(outputs, out, prune=PRUNE)
    (out / "templates" / "README.txt").write_text("ours\n", encoding="utf-8")
    path = out / leftover
    if leftover.endswith("/"):
        path.mkdir()
    else:
        path.parent.mkdir(exist_ok=True)
        path.write_text("old\n", encoding="utf-8")
    write(outputs, out, prune=PRUNE)
    assert snapshot(out) == expected(outputs, {"templates/README.txt": "ours\n"})
    assert not (out / "templates" / "gone").exists()


def test_a_file_with_the_same_bytes_behind_a_symlinked_folder_is_not_linked(tmp_path):
    """Nothing is followed out of the folder: a template that a symlinked `templates/` reaches
    elsewhere is not linked into the new folder, even when it holds the same bytes."""
    outputs = library("A")
    elsewhere = tmp_path / "elsewhere"
    for rel, text in outputs.items():
        if rel.startswith("templates/"):
            (elsewhere / rel).parent.mkdir(parents=True, exist_ok=True)
            (elsewhere / rel).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "templates").symlink_to(elsewhere / "templates", target_is_directory=True)
    write(outputs, out, prune=PRUNE)
    assert not (out / "templates").is_symlink() and snapshot(out) == outputs
    rel = next(r for r in outputs if r.startswith("templates/"))
    assert os.stat(out / rel).st_ino != os.stat(elsewhere / rel).st_ino


def test_a_symlink_to_a_file_with_the_same_bytes_is_replaced_not_kept(tmp_path):
    outputs = library("A")
    twin = tmp_path / "twin.json"
    twin.write_bytes(outputs["bundle.json"].encode("utf-8"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "bundle.json").symlink_to(twin)
    write(outputs, out, prune=PRUNE)
    assert not (out / "bundle.json").is_symlink() and snapshot(out) == outputs
    assert os.stat(out / "bundle.json").st_ino != os.stat(twin).st_ino


def test_an_output_path_outside_the_folder_is_refused(tmp_path):
    for rel in ("../x.j2", "/etc/x", "templates/../../x", ""):
        with pytest.raises(ValueError, match="outside the output folder"):
            write({rel: "x"}, tmp_path / "out")
    assert not (tmp_path / "x.j2").exists()


# --- one writer at a time ---------------------------------------------------------------------


def test_a_second_writer_waits_then_fails_clearly(tmp_path):
    out = tmp_path / "out"
    write(library("A"), out, prune=PRUNE)
    with FileLock(str(tmp_path / ".out.tactful-lock")):
        with pytest.raises(OutputBusy, match="another tactful build is writing into"):
            write(library("B"), out, prune=PRUNE, wait=0.2)
    assert snapshot(out) == library("A")


def test_the_cli_waits_for_another_build_into_the_same_folder(tmp_path):
    out = tmp_path / "out"
    src = REPO / "tests" / "runtime" / "fixtures" / "shop"
    lock = FileLock(str(tmp_path / ".out.tactful-lock"))
    lock.acquire()
    try:
        build = subprocess.Popen([sys.executable, "-m", "tactful", "build", str(src), "--out", str(out)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2.5)  # start-up and compiling take ~1.5 s; then it waits on the lock
        assert build.poll() is None and not out.exists()
    finally:
        lock.release()
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 0 and (out / "bundle.json").is_file(), stderr


CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from test_crash_safe_writes import library, PRUNE
    from tactful.emit.writer import write
    out, tags, rounds = Path(sys.argv[1]), sys.argv[2].split(","), int(sys.argv[3])
    libs = {{t: library(t) for t in tags}}
    for i in range(rounds):
        write(libs[tags[i % len(tags)]], out, prune=PRUNE)
    print("done")
""")


def _child(out: Path, tags: str, rounds: int) -> subprocess.Popen:
    code = CHILD.format(tests=str(Path(__file__).parent))
    return subprocess.Popen([sys.executable, "-c", code, str(out), tags, str(rounds)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_killed_writer_leaves_the_complete_old_or_new_outputs(tmp_path):
    out = tmp_path / "out"
    write(library("A"), out, prune=PRUNE)
    (out / "keep.txt").write_text("mine\n", encoding="utf-8")
    allowed = [expected(library(t), {"keep.txt": "mine\n"}) for t in ("A", "B")]
    rng = random.Random(12)
    for _ in range(8):
        child = _child(out, "B,A", 10_000)
        time.sleep(0.25 + rng.random() * 0.35)  # start-up (~0.2 s), then somewhere in the writes
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        got = snapshot(out)
        assert got in allowed, f"a mix: {len(got)} files, bundle {got.get('bundle.json', '')[:20]!r}"
    write(library("A"), out, prune=PRUNE)  # the next write clears what the kills left
    assert snapshot(out) == allowed[0]
    assert [p.name for p in tmp_path.iterdir() if p.name != ".out.tactful-lock"] == ["out"]


def test_concurrent_writers_leave_one_library_whole(tmp_path):
    """The issue: two builds into one folder at once left one library's bundle beside the other's
    templates, both exiting 0."""
    out = tmp_path / "out"
    children = [_child(out, "A", 6), _child(out, "B", 6)]
    for child in children:
        stdout, stderr = child.communicate(timeout=60)
        assert child.returncode == 0 and stdout.strip() == "done", stderr
    assert snapshot(out) in (library("A"), library("B"))


def test_a_folder_left_aside_by_a_killed_swap_is_put_back(tmp_path):
    """Where the swap is two renames, a kill between them leaves no output folder and the old one
    aside: the next write restores it first, so files the outputs do not own survive."""
    aside = tmp_path / ".out.tactful-old-0123456789ab"
    write(library("A"), aside, prune=PRUNE)
    (aside / "keep.txt").write_text("mine\n", encoding="utf-8")
    write(library("B"), tmp_path / "out", prune=PRUNE)
    assert snapshot(tmp_path / "out") == expected(library("B"), {"keep.txt": "mine\n"})
    assert not aside.exists()


@pytest.mark.skipif(int(os.environ.get("TACTFUL_FUZZ_SCALE", "1")) < 2, reason="about 2 s a build: `make fuzz` runs it")
def test_killed_tactful_builds_leave_the_old_or_the_new_outputs(tmp_path):
    """The writer test above, through the real command: `tactful build` killed at random moments
    while two libraries are built in turn into one folder."""
    libraries = [REPO / "tests" / "runtime" / "fixtures" / "shop", REPO / "frameworks"]
    out = tmp_path / "out"
    complete = []
    for i, lib in enumerate(libraries):
        r = subprocess.run([sys.executable, "-m", "tactful", "build", str(lib), "--out", str(tmp_path / f"ref{i}")],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        complete.append(snapshot(tmp_path / f"ref{i}"))
    rng = random.Random(12)
    for k in range(10):
        build = subprocess.Popen([sys.executable, "-m", "tactful", "build", str(libraries[k % 2]), "--out", str(out)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 3.0))
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=30)
        if out.exists():
            assert snapshot(out) in complete, f"kill {k}: a mix of outputs"
