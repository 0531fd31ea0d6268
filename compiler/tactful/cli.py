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
def draft(intent, bundle_path, sources, message, channel, visibility, contact_count, slots, context, seed,
          example_slots, fmt) -> int:
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
        out = preview(intent, bundle=bundle_path, sources=sources, slots=slots, context=fields, example_slots=example_slots)
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
        from tactful.runtime import format_text

        click.echo(format_text(out.draft), nl=False)
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
