"""The `tactful` command: options in, one library call, diagnostics out, a named exit code.

Exit codes: 0 clean (warnings allowed unless --strict), 1 findings, 2 usage, I/O or internal error.
Imports of the compiler happen inside commands so that `tactful --help` starts fast.
"""

from __future__ import annotations

import contextlib
import os
import sys

import click

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
from tactful.diagnostics import FORMATS  # a constant: the rest of the package loads on first use
from tactful.service import limits  # constants only: the server loads on first use


class TactfulGroup(click.Group):
    """Maps click's own exits onto ours and turns any unexpected exception into exit 2."""

    def main(self, *args, **kwargs):  # type: ignore[override]
        argv = kwargs.get("args", args[0] if args else None)
        debug = "--debug" in (sys.argv[1:] if argv is None else argv)
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as e:
            e.show()
            sys.exit(EXIT_ERROR)
        except click.ClickException as e:
            e.show()
            sys.exit(EXIT_ERROR)
        except click.exceptions.Exit as e:
            sys.exit(e.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("Aborted.", err=True)
            sys.exit(EXIT_ERROR)
        except BrokenPipeError:
            sys.exit(EXIT_ERROR)
        except OSError as e:  # writing output (a full disk, GITHUB_STEP_SUMMARY in a missing folder): not a bug
            with contextlib.suppress(OSError):
                click.echo(f"error: {e.strerror or e}" + (f": {e.filename}" if e.filename else ""), err=True)
            sys.exit(EXIT_ERROR)
        except Exception as e:  # noqa: BLE001 - the one place that turns bugs into exit 2
            click.echo(f"internal error: {type(e).__name__}: {e}", err=True)
            if debug:
                import traceback

                traceback.print_exc()
            else:
                click.echo("This is a bug in tactful, not in your files. Run again with --debug for the traceback.", err=True)
            sys.exit(EXIT_ERROR)
        sys.exit(rv if isinstance(rv, int) else EXIT_OK)


@click.group(cls=TactfulGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tactful")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
def main(debug: bool) -> None:
    """Compile customer-service response frameworks (.tact files)."""


def _format_option(f):
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="pretty", show_default=True,
        help="How to print diagnostics.",
    )(f)


def _paths_argument(f):
    return click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))(f)


def _report(result, fmt: str, strict: bool) -> int:
    from tactful.diagnostics import render

    if result.files == 0 and fmt in ("pretty", "compact"):
        click.echo("warning: no .tact files were found in the paths given", err=True)
    color = fmt == "pretty" and sys.stderr.isatty() and "NO_COLOR" not in os.environ
    out = render(result, fmt, color=color)
    stream_err = fmt in ("pretty", "compact")
    if out:
        click.echo(out, nl=not out.endswith("\n"), err=stream_err)
    if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        from tactful.diagnostics import github_summary

        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
            fh.write(github_summary(result))
    if result.errors or (strict and result.warnings):
        return EXIT_FINDINGS
    return EXIT_OK


@main.command()
@_paths_argument
@_format_option
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1).")
@click.option("--watch", is_flag=True, help="Check again on every save and print only what changed (Ctrl-C stops).")
def check(paths: tuple[str, ...], fmt: str, strict: bool, watch: bool) -> int:
    """Check .tact files or folders and report every problem."""
    from tactful import api

    if watch:
        return _watch(paths, fmt, strict)
    result = api.check(paths)
    return _report(result, fmt, strict)


@main.command()
@_paths_argument
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Output folder.")
@_format_option
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1, nothing written).")
def build(paths: tuple[str, ...], out_dir: str, fmt: str, strict: bool) -> int:
    """Compile frameworks into bundle.json and Jinja2 templates in --out."""
    from tactful import api

    result = api.compile(paths)
    code = _report(result, fmt, strict)
    if code != EXIT_OK or result.bundle is None:
        return code or EXIT_FINDINGS
    try:
        written = api.write_outputs(api.build_outputs(result.bundle), out_dir)
    except OSError as e:
        click.echo(f"error: could not write the outputs into {out_dir}: {e}", err=True)
        return EXIT_ERROR
    if fmt in ("pretty", "compact"):
        click.echo(
            f"Built {len(result.bundle.frameworks)} frameworks into {out_dir} "
            f"({len(written)} files, revision {result.bundle.revision[:19]}).",
            err=True,
        )
    return EXIT_OK


@main.command()
@_paths_argument
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--build", "build_site", is_flag=True, help="Also run `mkdocs build --strict` into OUT/site.")
@_format_option
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1, nothing written).")
def docs(paths: tuple[str, ...], out_dir: str, build_site: bool, fmt: str, strict: bool) -> int:
    """Write the library's documentation site (Markdown and mkdocs.yml) into --out."""
    from tactful import api
    from tactful.emit.site import write_site

    result = api.compile(paths)
    code = _report(result, fmt, strict)
    if code != EXIT_OK or result.bundle is None:
        return code or EXIT_FINDINGS
    try:
        site = write_site(result.bundle, out_dir, build=build_site)
    except ImportError as e:  # --build without mkdocs
        _needs_extra("`tactful docs --build`", "docs", e)
        return EXIT_ERROR
    except OSError as e:
        click.echo(f"error: {e}", err=True)
        return EXIT_ERROR
    for problem in site.problems:
        click.echo(f"mkdocs {problem}", err=True)
    if not site.ok:
        return EXIT_ERROR
    if fmt in ("pretty", "compact"):
        where = f"; site built in {site.site_dir}" if site.site_dir else ""
        click.echo(f"Wrote {len(site.written)} files for {len(result.bundle.frameworks)} frameworks into {out_dir}{where}.",
                   err=True)
    return EXIT_OK


@main.command()
def schema() -> int:
    """Print the bundle's JSON Schema."""
    from tactful.emit.schema import bundle_schema_text

    click.echo(bundle_schema_text(), nl=False)
    return EXIT_OK


@main.command()
@click.argument("code", required=False)
@click.option("--list", "list_all", is_flag=True, help="List every code.")
def explain(code: str | None, list_all: bool) -> int:
    """Explain a diagnostic code (T1201 or its slug, undeclared-slot)."""
    from tactful.codes import CODES, explain_text, lookup

    from tactful.runtime import verify as v

    if list_all or not code:
        for c in CODES.values():
            click.echo(f"{c.code}  {c.severity.value:<7}  {c.slug:<34} {c.title}")
        for vc in v.CODES.values():
            click.echo(f"{vc.code}  {vc.level:<7}  {vc.slug:<34} {vc.title} (tactful verify)")
        return EXIT_OK
    found = lookup(code)
    if found is None and v.lookup(code) is not None:
        click.echo(v.explain_text(v.lookup(code)), nl=False)
        return EXIT_OK
    if found is None:
        click.echo(f"error: `{code}` is not a tactful diagnostic code. Run `tactful explain --list`.", err=True)
        return EXIT_ERROR
    click.echo(explain_text(found), nl=False)
    return EXIT_OK


# --- drafts: draft, test, serve (the runtime's commands) -----------------------------------------


def _text(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A text option must be valid UTF-8 (undecodable bytes arrive as lone surrogates)."""
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise click.BadParameter(f"{ascii(value)[:60]} is not valid UTF-8 text", ctx=ctx, param=param) from None
    return value


def _pairs(ctx: click.Context, param: click.Parameter, items: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for item in items:
        _text(ctx, param, item)
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", ctx=ctx, param=param)
        pairs[name.strip()] = value
    return pairs


def _context_value(value: str) -> str | int | float | bool:
    """--context values: true/false are booleans, numbers are numbers, anything else is text."""
    if value in ("true", "false"):
        return value == "true"
    for kind in (int, float):
        try:
            number = kind(value)
        except ValueError:
            continue
        if number == number and number not in (float("inf"), float("-inf")):  # "nan" and "inf" stay text
            return number
    return value


@main.command()
@click.argument("intent", callback=_text)
@click.option("--bundle", "bundle_path", type=click.Path(exists=True, dir_okay=False), help="A built bundle.json.")
@click.option("--source", "sources", multiple=True, type=click.Path(exists=True), help="Compile these .tact files or folders instead.")
@click.option("--message", required=True, help="The customer's message.", callback=_text)
@click.option("--channel", required=True, help="The channel (x, instagram, email, …).", callback=_text)
@click.option("--visibility", type=click.Choice(["public", "private"]), help="Default: the channel's usual one.")
@click.option("--contact-count", type=click.IntRange(min=1), help="How many times the customer has contacted us about this.")
@click.option("--slot", "slots", multiple=True, metavar="NAME=VALUE", callback=_pairs, help="A slot value (repeatable).")
@click.option("--context", "context", multiple=True, metavar="FIELD=VALUE", callback=_pairs,
              help="Another context field (repeatable); true/false and numbers are typed.")
@click.option("--seed", help="The conversation id: it decides which phrase a `pick` gets.", callback=_text)
@click.option("--example-slots", is_flag=True, help="Fill every slot not given with its declared example.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--explain", is_flag=True,
              help="Say why: every guard, escalation and reply condition, whether it held and what it read "
                   "(with --format json: a `trace` object).")
def draft(intent, bundle_path, sources, message, channel, visibility, contact_count, slots, context, seed,
          example_slots, fmt, explain) -> int:
    """Draft a reply to one message, from a bundle or from sources."""
    if (bundle_path is None) == (not sources):
        raise click.UsageError("give either --bundle FILE or --source PATH (not both)")
    from tactful.api import preview
    from tactful.runtime import BundleError

    fields = {k: _context_value(v) for k, v in context.items()}
    fields.update({"message": message, "channel": channel})
    extra = {"visibility": visibility, "contact_count": contact_count, "seed": seed}
    fields.update({k: v for k, v in extra.items() if v is not None})
    try:
        out = preview(intent, bundle=bundle_path, sources=sources, slots=slots, context=fields, example_slots=example_slots,
                      trace=explain)
    except BundleError as e:
        click.echo(f"error: {e}", err=True)
        return EXIT_ERROR
    if out.compiled is not None and out.compiled.bundle is None:
        return _report(out.compiled, "pretty", strict=False)
    if out.error is not None:
        click.echo(f"error: {out.error}", err=True)
        return EXIT_FINDINGS
    if fmt == "json":
        import json

        click.echo(json.dumps(out.draft.to_dict(), indent=2, ensure_ascii=False))
    else:
        from tactful.runtime import format_text, format_trace

        click.echo(format_text(out.draft), nl=False)
        if explain:
            click.echo("\n" + format_trace(out.draft.trace), nl=False)
    return EXIT_OK


@main.command("test")
@_paths_argument
@click.option("--format", "fmt", type=click.Choice(["pretty", "junit"]), default="pretty", show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="Print only failures, errors and the summary.")
@click.option("--intent", "intents", multiple=True, metavar="INTENT",
              help="Run only this intent's examples (repeatable; a glob such as 'billing.*' works).")
@click.option("-k", "keyword", metavar="TEXT", help="Run only examples whose name contains TEXT.")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False), help="Also write the JUnit report to this file.")
def test_command(paths: tuple[str, ...], fmt: str, quiet: bool, intents: tuple[str, ...], keyword: str | None,
                 junit_path: str | None) -> int:
    """Run the examples and signal examples of every framework that compiles; exit 1 on any failure
    or on a file that does not compile (`tactful check` shows its errors)."""
    from tactful import api
    from tactful.runtime import examples

    _, report = api.test(paths, examples.Selection(intents, keyword))
    click.echo(examples.render_junit(report) if fmt == "junit" else examples.render_pretty(report, quiet=quiet), nl=False)
    if junit_path:
        from tactful.emit.writer import write_file

        try:
            write_file(junit_path, examples.render_junit(report))
        except OSError as e:
            click.echo(f"error: could not write {junit_path}: {e}", err=True)
            return EXIT_ERROR
    return EXIT_FINDINGS if report.failed else EXIT_OK


@main.command()
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--watch/--no-watch", default=True, show_default=True, help="Reload when the bundle file changes.")
@click.option("--access-log/--no-access-log", default=False, show_default=True, help="Log every request.")
@click.option("--header-timeout", default=limits.HEADER_TIMEOUT, show_default=True, type=click.FloatRange(min=0, min_open=True),
              metavar="SECONDS", help="Close a connection whose request line and headers take longer.")
@click.option("--body-timeout", default=limits.BODY_TIMEOUT, show_default=True, type=click.FloatRange(min=0, min_open=True),
              metavar="SECONDS", help="Answer 408 when a request body takes longer.")
@click.option("--keep-alive", default=limits.KEEP_ALIVE, show_default=True, type=click.IntRange(min=1), metavar="SECONDS",
              help="Close a keep-alive connection idle this long.")
@click.option("--max-connections", default=limits.MAX_CONNECTIONS, show_default=True, type=click.IntRange(min=1), metavar="N",
              help="Answer 503 to requests beyond N open connections.")
@click.option("--draft-budget", default=limits.DRAFT_BUDGET, show_default=True, type=click.FloatRange(min=0, min_open=True),
              metavar="SECONDS", help="Answer 503 when a draft or verification takes longer.")
def serve(bundle: str, host: str, port: int, watch: bool, access_log: bool, header_timeout: float, body_timeout: float,
          keep_alive: int, max_connections: int, draft_budget: float) -> int:
    """Serve drafts over HTTP (reloads the bundle on SIGHUP or when the file changes).

    /v1/verify uses the levels of the [verify] table of the current folder's tactful.toml, as
    `tactful verify --bundle` does (read at start)."""
    from tactful import api
    from tactful.runtime import BundleError

    try:
        from tactful.service import run
    except ImportError as e:
        _needs_extra("`tactful serve`", "serve", e)
        return EXIT_ERROR
    policy, problems = api.verify_policy([])
    for d in problems:
        click.echo(f"error: {d.span.file}:{d.span.line}: {d.message}", err=True)
    if problems:
        return EXIT_ERROR
    try:
        run(bundle, host, port, watch_interval=1.0 if watch else None, access_log=access_log,
            header_timeout=header_timeout, body_timeout=body_timeout, keep_alive=keep_alive,
            max_connections=max_connections, draft_budget=draft_budget, verify_settings=dict(policy.levels))
    except BundleError as e:
        click.echo(f"error: {e}", err=True)
        return EXIT_ERROR
    return EXIT_OK


# --- review: verify a final reply --------------------------------------------------------------------


def _read_text(path: str) -> str:
    """The reply text from a file or stdin ("-"), without the newline an editor adds at the end."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115 - read at once
    except OSError as e:
        raise click.UsageError(f"cannot read {path}: {e.strerror or e}") from None
    try:
        return raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise click.UsageError(f"{'stdin' if path == '-' else path} is not UTF-8 text") from None


@main.command()
@click.argument("intent")
@click.option("--text", "text_path", required=True, metavar="FILE|-", help="The final reply text (`-`: standard input).")
@click.option("--bundle", "bundle_path", type=click.Path(exists=True, dir_okay=False), help="A built bundle.json.")
@click.option("--source", "sources", multiple=True, type=click.Path(exists=True), help="Compile these .tact files or folders instead.")
@click.option("--message", help="The customer's message (guards and escalations are run on it).")
@click.option("--channel", help="The channel (x, instagram, email, …).")
@click.option("--visibility", type=click.Choice(["public", "private"]), help="Default: the channel's usual one.")
@click.option("--contact-count", type=click.IntRange(min=1), help="How many times the customer has contacted us about this.")
@click.option("--slot", "slots", multiple=True, metavar="NAME=VALUE", callback=_pairs, help="A slot value the draft used (repeatable).")
@click.option("--context", "context", multiple=True, metavar="FIELD=VALUE", callback=_pairs,
              help="Another context field (repeatable); true/false and numbers are typed.")
@click.option("--seed", help="The conversation id the draft was made with.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Exit 1 on a warn verdict too.")
def verify(intent, text_path, bundle_path, sources, message, channel, visibility, contact_count, slots, context, seed,
           fmt, strict) -> int:
    """Check an edited or AI-written reply against its framework before it is sent.

    Exit 0 when the verdict is ok or warn, 1 when it is block (or warn, with --strict), 2 on a
    usage or input error. Which codes block is set in tactful.toml's [verify] table."""
    if (bundle_path is None) == (not sources):
        raise click.UsageError("give either --bundle FILE or --source PATH (not both)")
    if channel is None and visibility is None:
        raise click.UsageError("give the --channel (or at least the --visibility) of the conversation")
    from tactful import api
    from tactful.runtime import BundleError

    text = _read_text(text_path)
    policy, problems = api.verify_policy(sources or [])
    for d in problems:
        click.echo(f"error: {d.span.file}:{d.span.line}: {d.message}", err=True)
    if problems:
        return EXIT_ERROR
    fields = {k: _context_value(v) for k, v in context.items()}
    extra = {"message": message, "channel": channel, "visibility": visibility, "contact_count": contact_count, "seed": seed}
    fields.update({k: v for k, v in extra.items() if v is not None})
    try:
        out = api.verify(intent, text, bundle=bundle_path, sources=sources, slots=slots, context=fields, policy=policy)
    except BundleError as e:
        click.echo(f"error: {e}", err=True)
        return EXIT_ERROR
    if out.compiled is not None and out.compiled.bundle is None:
        _report(out.compiled, "pretty", strict=False)
        return EXIT_ERROR
    if out.error is not None:
        click.echo(f"error: {out.error}", err=True)
        return EXIT_ERROR
    v = out.verification
    if message is None and "message" not in fields:
        click.echo("note: without --message, the framework's guards and escalations were not run", err=True)
    if fmt == "json":
        import json

        click.echo(json.dumps(v.to_dict(), indent=2, ensure_ascii=False))
    else:
        from tactful.runtime import format_verification

        click.echo(format_verification(v), nl=False)
    return EXIT_FINDINGS if v.verdict == "block" or (strict and v.verdict == "warn") else EXIT_OK


# --- review: what a change to the frameworks means -----------------------------------------------------


def _fail_on(ctx: click.Context, param: click.Parameter, value: str | None) -> frozenset[str]:
    from tactful.review.diff import KINDS, LEVELS

    names = frozenset(n.strip() for n in (value or "").split(",") if n.strip())
    unknown = sorted(names - set(KINDS) - set(LEVELS))
    if unknown:
        raise click.BadParameter(f"unknown change kind {', '.join(unknown)} (kinds: {', '.join(KINDS)}; or a level: "
                                 f"{', '.join(LEVELS)})", ctx=ctx, param=param)
    return names


@main.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["pretty", "markdown", "json"]), default="pretty", show_default=True)
@click.option("--path", "paths", multiple=True, default=("frameworks",), show_default=True,
              help="For a git revision: the folders whose .tact files are compared (repository-relative; repeatable).")
@click.option("--fail-on", callback=_fail_on, metavar="KIND,…",
              help="Exit 1 when the change has any of these kinds (removed-guard,removed-escalation,public-slot) or levels (high).")
def diff(old: str, new: str, fmt: str, paths: tuple[str, ...], fail_on: frozenset[str]) -> int:
    """What a change to the frameworks means: OLD and NEW are folders, bundle.json files or git revisions."""
    from tactful import api
    from tactful.review.diff import FORMATS, render_pretty

    compared = api.diff(old, new, paths=paths)
    if compared.diff is None:
        for side in (compared.old, compared.new):
            if side.compiled is not None and side.bundle is None:
                _report(side.compiled, "pretty", strict=False)
            if side.error:
                click.echo(f"error: {side.error}", err=True)
        return EXIT_ERROR
    if fmt == "pretty":
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        click.echo(render_pretty(compared.diff, color=color), nl=False)
    else:
        click.echo(FORMATS[fmt](compared.diff), nl=False)
    hit = sorted(c.kind for c in compared.diff.changes if c.kind in fail_on or c.level in fail_on)
    if hit:
        click.echo(f"diff: {len(hit)} change{'s' if len(hit) != 1 else ''} of a kind --fail-on names "
                   f"({', '.join(sorted(set(hit)))})", err=True)
        return EXIT_FINDINGS
    return EXIT_OK


@main.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option("--check", "check_only", is_flag=True, help="Write nothing; list the files that would change (exit 1 if any).")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of the changes.")
def fmt_command(paths: tuple[str, ...], check_only: bool, show_diff: bool) -> int:
    """Rewrite .tact files in the canonical layout (`-` formats stdin to stdout)."""
    from tactful.authoring import fmt
    from tactful.diagnostics import render
    from tactful.semantics.pipeline import Result
    from tactful.syntax.layout import FormatError, UnsafeFormat

    if paths == ("-",):
        text = sys.stdin.read()
        try:
            result = fmt.format_text(text)
        except FormatError as e:
            click.echo(render(Result(e.diagnostics, {e.path: fmt.SourceFile(e.path, text)}), "pretty"), err=True, nl=False)
            click.echo(f"error: cannot format {e.path}: {e.message}", err=True)
            return EXIT_FINDINGS
        except UnsafeFormat as e:
            click.echo(f"internal error: {e}", err=True)
            return EXIT_ERROR
        if check_only or show_diff:
            run = fmt.FmtRun(formatted=[result])
            click.echo(run.diff() if show_diff else ("<stdin>" if result.changed else ""), nl=False)
            return EXIT_FINDINGS if check_only and result.changed else EXIT_OK
        click.echo(result.text, nl=False)
        return EXIT_OK
    if "-" in paths:
        raise click.UsageError("`-` (stdin) cannot be combined with paths")
    run = fmt.format_paths(list(paths), write=not (check_only or show_diff))
    for e in run.invalid:
        if e.diagnostics:
            sources = {e.path: fmt.SourceFile(e.path, open(e.path, encoding="utf-8").read())}
            click.echo(render(Result(e.diagnostics, sources), "pretty"), err=True, nl=False)
        click.echo(f"error: cannot format {e.path}: {e.message}", err=True)
    for path, reason in run.unreadable:
        click.echo(f"error: {path}: {reason}", err=True)
    for e in run.unsafe:
        click.echo(f"internal error: {e}", err=True)
    if show_diff:
        click.echo(run.diff(), nl=False)
    elif check_only:
        for f in run.changed:
            click.echo(f.path)
    changed = len(run.changed)
    verb = "would reformat" if check_only or show_diff else "reformatted"
    click.echo(f"{verb} {changed} of {len(run.formatted)} files", err=True)
    if run.unsafe or run.unreadable:
        return EXIT_ERROR
    if run.invalid or ((check_only) and changed):
        return EXIT_FINDINGS
    return EXIT_OK


def _needs_extra(what: str, extra: str, error: ImportError) -> None:
    """An optional dependency is missing: say which extra brings it and how to install it."""
    from tactful.project import install_command

    click.echo(f"error: {what} needs the {extra} extra: {install_command(extra)}\n  ({error})", err=True)


@main.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over stdin and stdout (the default and only transport).")
def lsp_command(stdio: bool) -> int:
    """Run the language server (diagnostics, hover, completion, rename, formatting) for editors."""
    try:
        from tactful.authoring.lsp import serve
    except ImportError as e:
        _needs_extra("`tactful lsp`", "lsp", e)
        return EXIT_ERROR
    serve()
    return EXIT_OK


def _watch(paths: tuple[str, ...], fmt: str, strict: bool) -> int:
    """`check --watch`: the first report in full, then only what each save changed."""
    from tactful import api
    from tactful.authoring.watch import describe, watch

    try:
        import watchfiles  # noqa: F401
    except ImportError as e:
        _needs_extra("`check --watch`", "authoring", e)
        return EXIT_ERROR

    def report(result, changes) -> None:
        if changes is None:
            _report(result, fmt, strict)
        else:
            click.echo(describe(changes), err=True)
        click.echo("watching for changes (Ctrl-C to stop)", err=True)

    watch(list(paths), lambda: api.check(paths), report)
    return EXIT_OK


@main.command("new")
@click.argument("intent")
@click.option("--owner", default="support", show_default=True, help="The team that owns the intent.")
@click.option("--dir", "folder", default="frameworks", show_default=True, help="The library folder, under the project root.")
def new_command(intent: str, owner: str, folder: str) -> int:
    """Create a framework for INTENT (family.name) from a template, and list it in tactful.toml."""
    from pathlib import Path

    from tactful.authoring.scaffold import ScaffoldError, new_framework
    from tactful.semantics.config import find_project_root

    root = find_project_root([Path.cwd()])
    try:
        made = new_framework(root, intent, owner=owner, folder=folder)
    except ImportError as e:
        _needs_extra("`tactful new`", "authoring", e)
        return EXIT_ERROR
    except (ScaffoldError, OSError) as e:
        click.echo(f"error: {e}", err=True)
        return EXIT_ERROR
    where = os.path.relpath(made.path)
    taxonomy = {"added": "; added to the taxonomy in tactful.toml", "already listed": "; already in the taxonomy",
                "no taxonomy": ""}[made.taxonomy]
    click.echo(f"Created {where}{taxonomy}. Check it with: tactful check --strict {folder}", err=True)


# --- measuring: eval (a labelled corpus) ------------------------------------------------------------


def _share(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise click.BadParameter(f"expected a share between 0 and 1 (0.95 for 95%), got {value}", ctx=ctx, param=param)
    return value


def _recalls(ctx: click.Context, param: click.Parameter, items: tuple[str, ...]) -> list[tuple[str, float]]:
    pairs = []
    for name, text in _pairs(ctx, param, items).items():
        try:
            share = float(text)
        except ValueError:
            raise click.BadParameter(f"expected NAME=SHARE such as legal_review=0.98, got {name}={text}", ctx=ctx, param=param) from None
        pairs.append((name, _share(ctx, param, share)))
    return pairs


def _library_for(bundle_path: str | None, sources: tuple[str, ...]):
    """(library, compile result or None); compiles --source through tactful.api (the CLI layer only)."""
    if (bundle_path is None) == (not sources):
        raise click.UsageError("give either --bundle FILE or --source PATH (not both)")
    from tactful import api

    result, library = api.library_from(bundle_path, sources)
    return library, result


@main.command("eval")
@click.argument("corpus", nargs=-1, type=click.Path())
@click.option("--bundle", "bundle_path", type=click.Path(exists=True, dir_okay=False), help="A built bundle.json.")
@click.option("--source", "sources", multiple=True, type=click.Path(exists=True), help="Compile these .tact files or folders instead.")
@click.option("--split", type=click.Choice(["dev", "test"]), help="Score only this half (by a hash of each row's id).")
@click.option("--format", "fmt", type=click.Choice(["pretty", "json", "markdown", "junit"]), default="pretty", show_default=True)
@click.option("--min-accuracy", type=float, callback=_share, help="Gate: the share of expectations met must be at least this.")
@click.option("--min-recall", "min_recall", multiple=True, metavar="NAME=SHARE", callback=_recalls,
              help="Gate: recall of a guard, team or signal (repeatable), e.g. legal_review=0.98.")
@click.option("--max-false-holds", type=float, callback=_share,
              help="Gate: the share of rows that should send but were held must be at most this.")
@click.option("--schema", is_flag=True, help="Print the JSON Schema of a corpus row and exit.")
def eval_command(corpus, bundle_path, sources, split, fmt, min_accuracy, min_recall, max_false_holds, schema) -> int:
    """Score the library on labelled messages (JSON Lines, CSV or Parquet files, or folders of them);
    exit 1 when a gate fails."""
    if schema:
        import json

        from tactful.evaluation.corpus import corpus_schema

        click.echo(json.dumps(corpus_schema(), indent=2, ensure_ascii=False))
        return EXIT_OK
    if not corpus:
        raise click.UsageError("give at least one corpus file or folder (or --schema)")
    from tactful.evaluation.corpus import CorpusError
    from tactful.evaluation.render import render
    from tactful.evaluation.score import run_eval
    from tactful.runtime import BundleError

    try:
        library, compiled = _library_for(bundle_path, sources)
    except BundleError as e:
        click.echo(f"error: {e}", err=True)
        return EXIT_ERROR
    if library is None:
        return _report(compiled, "pretty", strict=False) or EXIT_FINDINGS
    try:
        report = run_eval(library, corpus, split=split, min_accuracy=min_accuracy, min_recall=min_recall,
                          max_false_holds=max_false_holds)
    except CorpusError as e:
        click.echo(f"error: {e}", err=True)
        return EXIT_ERROR
    color = fmt == "pretty" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    click.echo(render(report, fmt, color=color), nl=False)
    return EXIT_FINDINGS if report.failed_gates else EXIT_OK


@main.command()
@click.argument("corpus", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--label", required=True, help="The guard the scorer learns: rows whose `expect.guards` names it are positives.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="The weights file to write (the path a `scorer`'s `weights` line names).")
@click.option("--examples", "example_paths", multiple=True, type=click.Path(exists=True),
              help="Also learn from the examples written in these .tact files or folders (signals' fires and quiet lines, frameworks' examples).")
@click.option("--training", "training_paths", multiple=True, type=click.Path(exists=True),
              help="Also learn from these labelled training files or folders (corpus rows with ids of their own; every row is used: no split).")
@click.option("--false-hold-budget", type=float, default=None, callback=_share,
              help="The share of dev rows that should send which the scorer may hold at 0.5 (cross-validated); default 0.")
@click.option("--max-weights", type=click.IntRange(min=1), default=None,
              help="Keep at most this many weights, the largest (default 1000; each costs about 12 bytes of bundle).")
def train(corpus, label, out_path, example_paths, training_paths, false_hold_budget, max_weights) -> int:
    """Learn a scorer's weights from the dev half of a labelled corpus (files or folders), and write its weights file."""
    from tactful.evaluation.corpus import CorpusError, read_corpus
    from tactful.evaluation.train import TrainError, library_examples, training_examples
    from tactful.evaluation.train import train as train_scorer

    try:
        options = {} if false_hold_budget is None else {"false_hold_budget": false_hold_budget}
        if max_weights is not None:
            options["max_weights"] = max_weights
        rows = read_corpus(corpus)
        training, bad = training_examples(training_paths, rows.rows) if training_paths else ([], [])
        for row in [*rows.bad, *bad]:  # skipped, as eval skips them: the rest still trains
            click.echo(f"{row.file}:{row.line}: warning: row skipped ({row.reason}): {row.detail}", err=True)
        trained = train_scorer(rows.rows, label, library=[*library_examples(example_paths), *training], **options)
    except (CorpusError, TrainError) as e:
        click.echo(f"error: {e}", err=True)
        return EXIT_ERROR
    try:
        with open(out_path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(trained.to_json())
    except OSError as e:
        click.echo(f"error: cannot write {out_path}: {e.strerror or e}", err=True)
        return EXIT_ERROR
    click.echo(f"{out_path}: scorer for `{label}` from {trained.rows} dev rows and examples ({trained.positives} positives), "
               f"{len(trained.weights)} weights; suggested threshold: scores at least {trained.suggested_at_least}")
    return EXIT_OK


# --- measuring: replay (unlabelled traffic) -----------------------------------------------------------


@main.command()
@click.argument("archives", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--bundle", "bundle_path", type=click.Path(exists=True, dir_okay=False), help="A built bundle.json.")
@click.option("--source", "sources", multiple=True, type=click.Path(exists=True), help="Compile these .tact files or folders instead.")
@click.option("--against", "against_path", type=click.Path(exists=True, dir_okay=False),
              help="A second bundle.json: count the rows whose verdict differs.")
@click.option("--format", "fmt", type=click.Choice(["pretty", "json", "markdown"]), default="pretty", show_default=True)
@click.option("--engine", type=click.Choice(["embedded", "ray"]), default="embedded", show_default=True)
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (or Ray actors); default: the core count.")
@click.option("--ray-address", envvar="RAY_ADDRESS", help="The Ray cluster for --engine ray (default: RAY_ADDRESS, or a local Ray).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def replay(archives, bundle_path, sources, against_path, fmt, engine, jobs, ray_address, quiet) -> int:
    """Replay an archive of messages (JSON Lines or Parquet) and count what the library does."""
    from tactful.evaluation.render import render_replay
    from tactful.evaluation.replay import ReplayError
    from tactful.evaluation.replay import replay as run_replay
    from tactful.runtime import BundleError

    if (bundle_path is None) == (not sources):
        raise click.UsageError("give either --bundle FILE or --source PATH (not both)")
    if bundle_path is not None:
        with open(bundle_path, "rb") as fh:
            bundle = fh.read()
    else:
        from tactful import api

        result = api.compile(sources)
        if result.bundle is None:
            return _report(result, "pretty", strict=False) or EXIT_FINDINGS
        bundle = api.build_outputs(result.bundle, ["bundle"])["bundle.json"].encode("utf-8")
    against = None
    if against_path is not None:
        with open(against_path, "rb") as fh:
            against = fh.read()
    show = not quiet and sys.stderr.isatty()
    try:
        if show:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            with Progress(TextColumn("replaying"), BarColumn(), MofNCompleteColumn(), TextColumn("rows"),
                          TimeRemainingColumn(), transient=True, console=Console(stderr=True)) as progress:
                task = progress.add_task("replay", total=None)
                report = run_replay(archives, bundle, against=against, jobs=jobs, engine=engine, ray_address=ray_address,
                                    on_progress=lambda done, total: progress.update(task, completed=done, total=total))
        else:
            report = run_replay(archives, bundle, against=against, jobs=jobs, engine=engine, ray_address=ray_address)
    except (ReplayError, BundleError) as e:
        click.echo(f"error: {e}", err=True)
        return EXIT_ERROR
    color = fmt == "pretty" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    click.echo(render_replay(report, fmt, color=color), nl=False)
    return EXIT_OK
