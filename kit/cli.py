"""The ``pillarkit`` command. Its forms are a contract that scripts rely on; see the README.

Wrong input of any kind ends with exit status 2 and one line per problem, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kit.core import lens as lenses
from kit.core import options, scoring
from kit.core import review as reviews
from kit.core.errors import Diagnostic, ExportError, PillarkitError, ReviewError
from kit.core.jsonio import dumps, write_atomic
from kit.core.vocabulary import RISKS

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line, like every other error."""

    def error(self, message: str) -> None:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


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
    export.add_argument(
        "--edition",
        choices=("full", "summary"),
        default="full",
        help="the handout's edition: full (default), or summary: cover, summary and top risks, "
        "roadmap and parking lot in at most four A4 pages",
    )
    export.add_argument(
        "--paper", choices=("a4", "letter"), default="a4", help="the handout's paper size when printed (default: a4)"
    )
    export.set_defaults(run=cmd_export)

    serve = commands.add_parser(
        "serve",
        help=f"serve the review app with Voila on http://{options.HOST.default}:{options.PORT.default} (Ctrl-C stops it)",
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
    serve.add_argument("--open", action="store_true", help="open the app in the default browser")
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
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


# --- lens -----------------------------------------------------------------------------


def cmd_lens_validate(args) -> int:
    status = EXIT_OK
    for name in args.files:
        try:
            lens = lenses.load_file(name)
        except PillarkitError as exc:
            print(f"{name}: unusable, {len(exc.diagnostics)} error{'s' if len(exc.diagnostics) != 1 else ''}")
            for line in exc.lines():
                print(f"  error: {line}")
            status = EXIT_BAD_INPUT
            continue
        pillars, questions, choices = lens.counts()
        print(
            f"{name}: {pillars} pillars, {questions} questions, {choices} choices; {_plural(len(lens.warnings), 'warning')}"
        )
        for warning in lens.warnings:
            print(f"  warning: {warning}")
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
    write_atomic(args.output, dumps(document))
    print(f"wrote {args.output} ({lens.alias}{', for the WA Tool' if args.aws else ''})")
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
    print(f"wrote {output}: {args.workload!r} against {', '.join(review.lenses)}")
    return EXIT_OK


def _load_review(path: str) -> reviews.Review:
    review = reviews.Review.load(path)
    for notice in review.notices + review.orphans():
        print(f"warning: {notice}", file=sys.stderr)
    return review


def cmd_score(args) -> int:
    review = _load_review(args.review)
    result = scoring.score(review)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
        return EXIT_OK
    print(f"{review.workload.name or '(unnamed workload)'}: {args.review}")
    header = ("pillar",) + RISKS
    for alias, lens_score in result.lenses.items():
        print(f"\n{lens_score.lens.name} ({alias})")
        rows = [(p.pillar.name,) + tuple(str(p.counts[k]) for k in RISKS) for p in lens_score.pillars.values()]
        rows.append(("total",) + tuple(str(lens_score.counts[k]) for k in RISKS))
        _table(header, rows, right_from=1)
    if len(result.lenses) > 1:
        print("\nreview total: " + ", ".join(f"{k} {result.counts[k]}" for k in RISKS))
    return EXIT_OK


def cmd_plan(args) -> int:
    review = _load_review(args.review)
    items = scoring.improvement_list(review)
    if not items:
        print("No HIGH or MEDIUM risks: nothing to improve yet.")
        return EXIT_OK
    for item in items:
        code = f"{item.question.code} " if item.question.code else ""
        print(f"{item.risk:<6} {item.pillar.name}: {code}{item.question.title}")
        for practice in item.missing:
            print(f"         - {practice.title}")
            if practice.improvement:
                print(f"           {practice.improvement.text}")
                if practice.improvement.url:
                    print(f"           {practice.improvement.url}")
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
    handout.check_handout_options(suffix, args.edition, args.paper, args.output)
    review = _load_review(args.review)
    for problem in roadmap.problems(review):
        print(f"warning: {problem}", file=sys.stderr)
    handout.export(review, args.output, args.edition, args.paper)
    kind = EXPORT_KINDS.get(suffix, "export")
    if suffix in handout.HANDOUT_SUFFIXES and args.edition == handout.SUMMARY:
        kind = "executive summary"
    paper = f", {args.paper.upper() if args.paper == 'a4' else 'US letter'} pages" if suffix == ".pdf" else ""
    print(f"wrote {args.output} ({suffix[1:].upper()} {kind}{paper})")
    return EXIT_OK


def cmd_serve(args) -> int:
    from kit.serve import serve

    return serve(args.review, args.port, args.folder, args.open)


def cmd_options(args) -> int:
    print(options.describe())
    return EXIT_OK


# --- output helpers -------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _table(header: tuple, rows: list[tuple], right_from: int) -> None:
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
