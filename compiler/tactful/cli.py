"""The `tactful` command: options in, one library call, diagnostics out, a named exit code.

Exit codes: 0 clean (warnings allowed unless --strict), 1 findings, 2 usage, I/O or internal error.
Imports of the compiler happen inside commands so that `tactful --help` starts fast.
"""

from __future__ import annotations

import os
import sys

import click

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
from tactful.diagnostics import FORMATS  # a constant: the rest of the package loads on first use


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
def check(paths: tuple[str, ...], fmt: str, strict: bool) -> int:
    """Check .tact files or folders and report every problem."""
    from tactful import api

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

    if list_all or not code:
        for c in CODES.values():
            click.echo(f"{c.code}  {c.severity.value:<7}  {c.slug:<34} {c.title}")
        return EXIT_OK
    found = lookup(code)
    if found is None:
        click.echo(f"error: `{code}` is not a tactful diagnostic code. Run `tactful explain --list`.", err=True)
        return EXIT_ERROR
    click.echo(explain_text(found), nl=False)
    return EXIT_OK


# --- drafts: draft, test, serve (the runtime's commands) -----------------------------------------


def _pairs(ctx: click.Context, param: click.Parameter, items: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for item in items:
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
            return kind(value)
        except ValueError:
            pass
    return value


@main.command()
@click.argument("intent")
@click.option("--bundle", "bundle_path", type=click.Path(exists=True, dir_okay=False), help="A built bundle.json.")
@click.option("--source", "sources", multiple=True, type=click.Path(exists=True), help="Compile these .tact files or folders instead.")
@click.option("--message", required=True, help="The customer's message.")
@click.option("--channel", required=True, help="The channel (x, instagram, email, …).")
@click.option("--visibility", type=click.Choice(["public", "private"]), help="Default: the channel's usual one.")
@click.option("--contact-count", type=click.IntRange(min=1), help="How many times the customer has contacted us about this.")
@click.option("--slot", "slots", multiple=True, metavar="NAME=VALUE", callback=_pairs, help="A slot value (repeatable).")
@click.option("--context", "context", multiple=True, metavar="FIELD=VALUE", callback=_pairs,
              help="Another context field (repeatable); true/false and numbers are typed.")
@click.option("--seed", help="The conversation id: it decides which phrase a `pick` gets.")
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
def test_command(paths: tuple[str, ...], fmt: str) -> int:
    """Run every example and signal example; exit 1 on any failure."""
    from tactful import api
    from tactful.runtime import examples

    result, library = api.compile_library(paths)
    if library is None:
        return _report(result, "pretty", strict=False) or EXIT_FINDINGS
    report = examples.run(library)
    click.echo(examples.render_junit(report) if fmt == "junit" else examples.render_pretty(report), nl=False)
    return EXIT_FINDINGS if report.failed else EXIT_OK


@main.command()
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--watch/--no-watch", default=True, show_default=True, help="Reload when the bundle file changes.")
@click.option("--access-log/--no-access-log", default=False, show_default=True, help="Log every request.")
def serve(bundle: str, host: str, port: int, watch: bool, access_log: bool) -> int:
    """Serve drafts over HTTP (reloads the bundle on SIGHUP or when the file changes)."""
    from tactful.runtime import BundleError

    try:
        from tactful.service import run
    except ImportError as e:
        click.echo(f"error: `tactful serve` needs the serve extra (pip install 'tactful[serve]'): {e}", err=True)
        return EXIT_ERROR
    try:
        run(bundle, host, port, watch_interval=1.0 if watch else None, access_log=access_log)
    except BundleError as e:
        click.echo(f"error: {e}", err=True)
        return EXIT_ERROR
    return EXIT_OK


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
    if bundle_path is not None:
        from tactful.runtime import load_library

        return load_library(bundle_path), None
    from tactful import api

    result, library = api.compile_library(sources)
    return library, result


@main.command("eval")
@click.argument("corpus", nargs=-1, type=click.Path(dir_okay=False))
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
    """Score the library on labelled messages (JSON Lines, CSV or Parquet); exit 1 when a gate fails."""
    if schema:
        import json

        from tactful.evaluation.corpus import corpus_schema

        click.echo(json.dumps(corpus_schema(), indent=2, ensure_ascii=False))
        return EXIT_OK
    if not corpus:
        raise click.UsageError("give at least one corpus file (or --schema)")
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
