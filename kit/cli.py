"""The ``pillarkit`` command. Its forms are a contract that scripts rely on; see the README.

Wrong input of any kind ends with exit status 2 and one line per problem, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kit.core import lens as lenses
from kit.core import options, scoring
from kit.core import review as reviews
from kit.core.errors import Diagnostic, ExportError, PillarkitError, ReviewError, grouped
from kit.core.jsonio import dumps, same_file, write_atomic
from kit.core.text import for_terminal
from kit.core.vocabulary import RISKS

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line, like every other error."""

    def error(self, message: str) -> None:
        self.exit(EXIT_BAD_INPUT, for_terminal(f"{self.prog}: error: {message} (see '{self.prog} --help')") + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pillarkit", description="Run Well-Architected style reviews: question banks, scoring, review files."
    )
    parser.add_argument("--version", action="version", version=f"pillarkit {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    lens = commands.add_parser("lens", help="validate, list and export question banks (lenses)")
    lens_commands = lens.add_subparsers(dest="lens_command", required=True, metavar="LENS_COMMAND")
    validate = lens_commands.add_parser("validate", help="check lens files; exit 2 if any is unusable")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(run=cmd_lens_validate)
    listing = lens_commands.add_parser("list", help="the bundled lenses")
    listing.set_defaults(run=cmd_lens_list)
    export = lens_commands.add_parser("export", help="write a lens as JSON")
    export.add_argument("lens", metavar="ALIAS_OR_FILE")
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    export.add_argument(
        "--aws",
        action="store_true",
        help="strip pillarkit's fields and refuse while the lens breaks a WA Tool import limit",
    )
    export.set_defaults(run=cmd_lens_export)

    new = commands.add_parser("new", help="create an empty review file")
    new.add_argument(
        "--lens", action="append", required=True, metavar="ALIAS_OR_FILE", help="a lens to apply (repeat for several)"
    )
    new.add_argument("--workload", required=True, metavar="NAME")
    new.add_argument("-o", "--output", required=True, metavar="FILE")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.set_defaults(run=cmd_new)

    score = commands.add_parser("score", help="risk counts of a review")
    score.add_argument("review", metavar="FILE")
    score.add_argument("--json", action="store_true", help="print the machine-readable form")
    score.set_defaults(run=cmd_score)

    plan = commands.add_parser("plan", help="the improvement list of a review: every HIGH, then every MEDIUM")
    plan.add_argument("review", metavar="FILE")
    plan.set_defaults(run=cmd_plan)

    export = commands.add_parser(
        "export", help="the handout (.html, .pdf) or the answers (.csv, .xlsx, .json) of a review"
    )
    export.add_argument("review", metavar="REVIEW")
    export.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the format is taken from the suffix: .html, .pdf, .csv, .xlsx or .json",
    )
    export.set_defaults(run=cmd_export)

    serve = commands.add_parser(
        "serve", help=f"serve the review app with Voila on http://localhost:{options.PORT.default} (Ctrl-C stops it)"
    )
    serve.add_argument("review", nargs="?", metavar="REVIEW_FILE", help="a review file to open (default: a new review)")
    serve.add_argument(
        "--port",
        type=int,
        default=None,
        help=f"the port to serve on (default: {options.PORT.default}, or ${options.PORT.env})",
    )
    serve.add_argument(
        "--folder",
        default=None,
        metavar="DIR",
        help=f"where reviews are autosaved (default: {options.FOLDER.default}/ here, or ${options.FOLDER.env})",
    )
    serve.add_argument(
        "--open", action="store_true", help="open the app (its address, token included) in the default browser"
    )
    serve.add_argument(
        "--host",
        default=None,
        metavar="ADDRESS",
        help=f"the address to listen on (default: {options.HOST.default}, this machine only; 0.0.0.0 for every network)",
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name (or address) browsers may use to reach the app besides localhost; repeat for several, "
        f"or '*' for any (also ${options.ALLOW_HOSTS.env}, comma separated)",
    )
    serve.add_argument(
        "--max-pages",
        type=int,
        default=None,
        metavar="N",
        help=f"how many app pages may be open at once, each with its own kernel (default: {options.MAX_PAGES.default}, "
        f"or ${options.MAX_PAGES.env})",
    )
    serve.set_defaults(run=cmd_serve)

    shown = commands.add_parser(
        "options", help="every option: its default, the environment variable that sets it, and what it does"
    )
    shown.set_defaults(run=cmd_options)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except PillarkitError as exc:
        for line in exc.lines():
            say(f"error: {line}", sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (``pillarkit plan r.json | head``): nothing more to say to it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        named = f"{exc.filename}: " if exc.filename else ""
        say(f"error: {named}{exc.strerror or exc}", sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


def say(line: str, stream=None) -> None:
    """Print one line; every control character in it is shown as an escape (``\\x1b``), never sent to the terminal."""
    print(for_terminal(line), file=stream or sys.stdout)


# --- lens -----------------------------------------------------------------------------


def cmd_lens_validate(args) -> int:
    status = EXIT_OK
    for name in args.files:
        try:
            lens = lenses.load_file(name)
        except PillarkitError as exc:
            say(f"{name}: unusable, {len(exc.diagnostics)} error{'s' if len(exc.diagnostics) != 1 else ''}")
            for line in exc.lines():
                say(f"  error: {line}")
            status = EXIT_BAD_INPUT
            continue
        pillars, questions, choices = lens.counts()
        say(
            f"{name}: {pillars} pillars, {questions} questions, {choices} choices; {_plural(len(lens.warnings), 'warning')}"
        )
        for warning in lens.warnings:
            say(f"  warning: {warning}")
    return status


def cmd_lens_list(args) -> int:
    rows = []
    for alias in lenses.bundled_aliases():
        lens = lenses.bundled(alias)
        pillars, questions, choices = lens.counts()
        rows.append((alias, lens.name, lens.edition or "", str(pillars), str(questions), str(choices)))
    _table(("alias", "name", "edition", "pillars", "questions", "choices"), rows, right_from=3)
    return EXIT_OK


def cmd_lens_export(args) -> int:
    _refuse_overwriting(args.lens, args.output, "lens")
    lens = lenses.load(args.lens)
    document = lens.document
    if args.aws:
        blockers = lens.import_blockers
        if blockers:
            raise ExportError(
                [
                    Diagnostic(
                        lens.source, "", f"cannot export for the WA Tool's import: {_plural(len(blockers), 'reason')}"
                    )
                ]
                + blockers
            )
        document = strip_extensions(document)
    write_atomic(args.output, dumps(document, args.output))
    say(f"wrote {args.output} ({lens.alias}{', for the WA Tool' if args.aws else ''})")
    return EXIT_OK


def strip_extensions(value):
    """A copy without pillarkit's own fields, for the WA Tool."""
    if isinstance(value, dict):
        return {k: strip_extensions(v) for k, v in value.items() if k != lenses.EXTENSION_KEY}
    if isinstance(value, list):
        return [strip_extensions(v) for v in value]
    return value


# --- reviews --------------------------------------------------------------------------


def cmd_new(args) -> int:
    output = Path(args.output)
    if output.exists() and not args.force:
        raise ReviewError.at(str(output), "", "already exists; pass --force to overwrite it")
    review = reviews.new(args.lens, args.workload)
    review.save(output)
    say(f"wrote {output}: {args.workload!r} against {', '.join(review.lenses)}")
    return EXIT_OK


def _load_review(path: str) -> reviews.Review:
    review = reviews.Review.load(path)
    for notice in review.notices_grouped():
        say(f"warning: {notice}", sys.stderr)
    return review


def _refuse_overwriting(source: str, output: str, what: str) -> None:
    """An export never replaces the file it is made from (the same path, a link to it, or the same inode)."""
    if same_file(source, output):
        raise ExportError.at(
            output, "", f"is the {what} being exported; write the export to another file (nothing was written)"
        )


def cmd_score(args) -> int:
    review = _load_review(args.review)
    result = scoring.score(review)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))  # ASCII only: every other character is escaped
        return EXIT_OK
    say(f"{review.workload.name or '(unnamed workload)'}: {args.review}")
    header = ("pillar",) + RISKS
    for alias, lens_score in result.lenses.items():
        print()
        say(f"{lens_score.lens.name} ({alias})")
        rows = [(p.pillar.name,) + tuple(str(p.counts[k]) for k in RISKS) for p in lens_score.pillars.values()]
        rows.append(("total",) + tuple(str(lens_score.counts[k]) for k in RISKS))
        _table(header, rows, right_from=1)
    if len(result.lenses) > 1:
        print()
        say("review total: " + ", ".join(f"{k} {result.counts[k]}" for k in RISKS))
    return EXIT_OK


def cmd_plan(args) -> int:
    review = _load_review(args.review)
    items = scoring.improvement_list(review)
    if not items:
        say("No HIGH or MEDIUM risks: nothing to improve yet.")
        return EXIT_OK
    for item in items:
        code = f"{item.question.code} " if item.question.code else ""
        say(f"{item.risk:<6} {item.pillar.name}: {code}{item.question.title}")
        for practice in item.missing:
            say(f"         - {practice.title}")
            if practice.improvement:
                say(f"           {practice.improvement.text}")
                if practice.improvement.url:
                    say(f"           {practice.improvement.url}")
    return EXIT_OK


EXPORT_KINDS = {
    ".html": "handout",
    ".pdf": "handout",
    ".csv": "answers",
    ".xlsx": "workbook",
    ".json": "review with its risks",
}


def cmd_export(args) -> int:
    from kit.core import roadmap
    from kit.render import handout

    suffix = handout.format_of(args.output)  # a wrong suffix fails before the review is read
    _refuse_overwriting(args.review, args.output, "review")
    review = _load_review(args.review)
    for problem in grouped(roadmap.problems(review)):
        say(f"warning: {problem}", sys.stderr)
    handout.export(review, args.output)
    say(f"wrote {args.output} ({suffix[1:].upper()} {EXPORT_KINDS.get(suffix, 'export')})")
    return EXIT_OK


def cmd_serve(args) -> int:
    from kit.serve import serve

    return serve(args.review, args.port, args.folder, args.open, args.host, args.allow_host, args.max_pages)


def cmd_options(args) -> int:
    print(options.describe())
    return EXIT_OK


# --- output helpers -------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _table(header: tuple, rows: list[tuple], right_from: int) -> None:
    header = tuple(for_terminal(str(cell)) for cell in header)
    rows = [tuple(for_terminal(str(cell)) for cell in row) for row in rows]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(row):
        cells = [str(v).rjust(w) if i >= right_from else str(v).ljust(w) for i, (v, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    print(line(header))
    for row in rows:
        print(line(row))


def _version() -> str:
    from kit import __version__

    return __version__


if __name__ == "__main__":
    sys.exit(main())
