"""The ``pillarkit`` command. Its forms are a contract that scripts rely on; see the README.

Wrong input of any kind ends with exit status 2 and one line per problem, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn, TextIO

from kit.core import lens as lenses
from kit.core import options, register, scoring
from kit.core import review as reviews
from kit.core.errors import Diagnostic, ExportError, PillarkitError, ReviewError, abridged, grouped
from kit.core.jsonio import dumps, same_file, write_atomic
from kit.core.text import for_terminal
from kit.core.vocabulary import LEVELS, RISKS
from kit.render import formats

EXIT_OK = 0
#: A sync that left conflicts for --prefer to settle, or stopped part way (what was done is recorded).
EXIT_INCOMPLETE = 1
EXIT_BAD_INPUT = 2

#: ``lens validate`` lists up to this many warnings of one kind; past it, the first
#: WARNINGS_SHOWN and a count, so 50 reused ids or 100 spaced links stay readable.
WARNINGS_GROUPED_OVER = 5
WARNINGS_SHOWN = 3


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line, like every other error."""

    def error(self, message: str) -> NoReturn:
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
    validate.add_argument(
        "--all",
        action="store_true",
        help=f"list every warning (by default a kind of warning with more than {WARNINGS_GROUPED_OVER} "
        f"shows its first {WARNINGS_SHOWN} and a count)",
    )
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

    new = commands.add_parser("new", help="create a review file, empty or pre-filled from a template")
    new.add_argument(
        "--lens",
        action="append",
        metavar="LENS",
        help="a bundled lens's alias, a lens file (its alias is made from the file's name), or ALIAS=FILE "
        "to choose the alias; repeat for several (with --template, the template's lenses unless given)",
    )
    new.add_argument(
        "--template",
        metavar="FILE",
        help="another review whose answers and notes start this one, marked pre-filled until confirmed in the session",
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

    listed = commands.add_parser(
        "register", help="the risk register of a review, ranked by likelihood x impact, then status, with its heat map"
    )
    listed.add_argument("review", metavar="REVIEW")
    listed.add_argument("--json", action="store_true", help='print {"entries": [...], "heatmap": {...}}')
    listed.set_defaults(run=cmd_register)

    export = commands.add_parser("export", help=f"write a review's handout, answers or data ({formats.suffixes()})")
    export.add_argument("review", metavar="REVIEW")
    export.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help=f"the format is taken from the suffix: {formats.suffixes(' or ')}",
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
    picked = export.add_mutually_exclusive_group()
    for variant in formats.variants():
        picked.add_argument(
            f"--{variant.variant}",
            dest="variant",
            action="store_const",
            const=variant.variant,
            default="",
            help=f"write the {variant.label[0].lower()}{variant.label[1:]} instead (the output ends in {variant.suffix})",
        )
    export.set_defaults(run=cmd_export)

    intake = commands.add_parser(
        "intake", help="take the answers a team filled in on the kit's XLSX export back into a review"
    )
    intake.add_argument("review", metavar="REVIEW")
    intake.add_argument(
        "--from", dest="workbook", required=True, metavar="FILE.xlsx", help="a workbook made by pillarkit export"
    )
    intake.add_argument(
        "-o", "--output", metavar="OUT", help="write the updated review here (default: rewrite REVIEW in place)"
    )
    intake.set_defaults(run=cmd_intake)

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
    serve.add_argument(
        "--portfolio",
        metavar="DIR",
        help="serve the portfolio notebook on these review files instead of the review app",
    )
    serve.set_defaults(run=cmd_serve)

    aws = commands.add_parser("aws", help="push to, pull from and list the AWS Well-Architected Tool (pillarkit[aws])")
    aws_commands = aws.add_subparsers(dest="aws_command", required=True, metavar="AWS_COMMAND")

    def connection(sub) -> None:
        sub.add_argument("--region", metavar="R", help="the AWS region (default: your AWS configuration's)")
        sub.add_argument("--profile", metavar="P", help="the AWS profile to use (default: your AWS configuration's)")

    push = aws_commands.add_parser("push", help="write a review's workload, lenses and answers to the WA Tool")
    push.add_argument("review", metavar="REVIEW")
    target = push.add_mutually_exclusive_group(required=True)
    target.add_argument("--workload-id", metavar="ID", help="the workload to update")
    target.add_argument("--create", action="store_true", help="create a new workload")
    connection(push)
    push.add_argument("--milestone", metavar="NAME", help="save a milestone of that name at the end")
    push.add_argument("--dry-run", action="store_true", help="print every call as one JSON object a line; call nothing")
    push.add_argument(
        "--prefer", choices=("local", "remote"), help="which side wins a question changed on both since the last sync"
    )
    push.set_defaults(run=cmd_aws_push)

    pull = aws_commands.add_parser("pull", help="read a WA Tool workload into a review file")
    pull.add_argument("--workload-id", required=True, metavar="ID")
    pull.add_argument("--milestone", type=int, metavar="N", help="the answers as of milestone number N")
    connection(pull)
    pull.add_argument("-o", "--output", required=True, metavar="REVIEW", help="a new file, or a review to merge into")
    pull.add_argument(
        "--prefer", choices=("local", "remote"), help="which side wins a question changed on both since the last sync"
    )
    pull.set_defaults(run=cmd_aws_pull)

    listing = aws_commands.add_parser("list", help="the WA Tool's workloads, with their lenses and risk counts")
    connection(listing)
    listing.set_defaults(run=cmd_aws_list)

    portfolio = commands.add_parser(
        "portfolio",
        help="analyse many reviews at once: risks by question, practice and pillar, facets, changes, the 2020 field",
        description="Analyse review files and folders (searched recursively for *.json) together, or the "
        "workloads of the AWS Well-Architected Tool (--aws), or both. A file or workload that cannot be read is "
        "skipped with one line saying why; the rest are analysed.",
    )
    portfolio.add_argument("paths", nargs="*", metavar="PATH", help="review files and folders of them")
    portfolio.add_argument(
        "--aws",
        action="store_true",
        help="also read every workload of the WA Tool in the account and region (pillarkit[aws]; no notes are read)",
    )
    portfolio.add_argument(
        "--region", metavar="R", help="with --aws: the AWS region (default: your AWS configuration's)"
    )
    portfolio.add_argument(
        "--profile", metavar="P", help="with --aws: the AWS profile to use (default: your AWS configuration's)"
    )
    portfolio.add_argument("--json", action="store_true", help="print the counts as JSON (a contract, see the README)")
    portfolio.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the report (.html), a workbook with a sheet per report (.xlsx) or the tidy table (.csv)",
    )
    portfolio.add_argument(
        "--anonymise",
        "--anonymize",
        action="store_true",
        help="replace workloads, files and facilitators by stable pseudonyms and leave out every free text",
    )
    portfolio.add_argument(
        "--milestone",
        metavar="latest|NAME",
        help="analyse each review's latest milestone, or its milestone of that name, instead of its current answers",
    )
    portfolio.set_defaults(run=cmd_portfolio, usage_error=portfolio.error)

    demo = commands.add_parser("demo", help="write synthetic example files")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True, metavar="DEMO_COMMAND")
    demo_portfolio = demo_commands.add_parser(
        "portfolio", help="write a folder of synthetic review files (marked as synthetic) to try the portfolio on"
    )
    demo_portfolio.add_argument("-o", "--output", required=True, metavar="DIR", help="a new or empty folder")
    demo_portfolio.add_argument(
        "--reviews",
        type=_positive,
        default=options.DEMO_REVIEWS.default,
        metavar="N",
        help=f"how many reviews (default: {options.DEMO_REVIEWS.default})",
    )
    demo_portfolio.add_argument(
        "--seed",
        type=int,
        default=options.DEMO_SEED.default,
        metavar="N",
        help=f"the same seed writes the same files (default: {options.DEMO_SEED.default})",
    )
    demo_portfolio.set_defaults(run=cmd_demo_portfolio)

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


def say(line: str, stream: TextIO | None = None) -> None:
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
        for line in _warning_lines(lens.warnings, every=args.all):
            say(line)
    return status


def _warning_lines(warnings: Iterable[Diagnostic], every: bool) -> list[str]:
    """One line per warning, grouped by kind; a kind with many shows its first few and a count."""
    lines = []
    for code, group in grouped(warnings):
        if every or len(group) <= WARNINGS_GROUPED_OVER:
            lines += [f"  warning: {w}" for w in group]
            continue
        lines.append(f"  {len(group)} {code} warnings; the first {WARNINGS_SHOWN}:")
        lines += [f"    warning: {w}" for w in group[:WARNINGS_SHOWN]]
        lines.append(f"    and {len(group) - WARNINGS_SHOWN} more like these (--all lists every one)")
    return lines


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
        write_atomic(args.output, dumps(lenses.without_extensions(document), args.output))
    else:
        write_atomic(args.output, dumps(document, args.output))
    say(f"wrote {args.output} ({lens.alias}{', for the WA Tool' if args.aws else ''})")
    return EXIT_OK


# --- reviews --------------------------------------------------------------------------


def cmd_new(args) -> int:
    output = Path(args.output)
    if not args.lens and not args.template:
        raise ReviewError.at("pillarkit new", "", "give at least one --lens, or a --template to take the lenses from")
    if output.exists() and not args.force:
        raise ReviewError.at(str(output), "", "already exists; pass --force to overwrite it")
    if args.template is None:
        review = reviews.new(args.lens, args.workload)
        review.save(output)
        say(f"wrote {output}: {args.workload!r} against {', '.join(review.lenses)}")
        return EXIT_OK
    from kit.core.template import from_template

    template = _load_review(args.template)
    review, skipped = from_template(template, args.workload, args.lens, source=args.template)
    for problem in abridged(skipped):
        say(f"warning: {problem}", sys.stderr)
    review.save(output)
    count = review.prefilled_count()
    say(
        f"wrote {output}: {args.workload!r} against {', '.join(review.lenses)}, "
        f"{_plural(count, 'answer')} pre-filled from {args.template} (confirm them in the session)"
    )
    return EXIT_OK


def _load_review(path: str) -> reviews.Review:
    """The review, its notices on stderr; an acceptance that has lapsed reads as open (the file is not written)."""
    review = reviews.Review.load(path)
    for notice in review.notices_grouped():
        say(f"warning: {notice}", sys.stderr)
    for notice in register.reopen_expired(review):
        say(f"note: {notice}", sys.stderr)
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
    waiting = review.prefilled_count()
    if waiting:
        print()
        say(f"{_plural(waiting, 'answer')} pre-filled, not yet confirmed by the team (counted above)")
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


def cmd_register(args) -> int:
    review = _load_review(args.review)
    entries = review.risk_register
    if args.json:
        print(json.dumps(register.to_json(entries), indent=2))
        return EXIT_OK
    ranked = register.ranked(entries)
    print(f"{_terminal(review.workload.name) or '(unnamed workload)'}: {args.review}")
    if not ranked:
        print("The risk register is empty: add entries on the app's Risk register page.")
        return EXIT_OK
    still = sum(not e.is_closed for e in ranked)
    print(
        f"Risk register: {_plural(len(ranked), 'entry', 'entries')}, {still} not closed; "
        "ranked by likelihood x impact, then status\n"
    )
    rows = []
    for rank, entry in enumerate(ranked, start=1):
        status = str(entry.status)
        if entry.status == "ACCEPTED" and entry.accepted_until:
            status += f" until {entry.accepted_until}"
        elif entry.lapsed():
            status += f" (acceptance lapsed {entry.accepted_until})"
        rows.append(
            (
                str(rank),
                _terminal(entry.id),
                str(entry.rating),
                str(entry.likelihood),
                str(entry.impact),
                status,
                _terminal(entry.component, 30),
                _terminal(entry.failure_mode, 60),
                _terminal(entry.owner, 20),
            )
        )
    header = ("#", "id", "rating", "likelihood", "impact", "status", "component", "failure mode", "owner")
    _table(header, rows, len(header), right=(0, 2))
    grid = register.heatmap(entries)
    across = tuple(reversed(LEVELS))
    print("\nHeat map: entries not closed, by likelihood (down) and impact (across)")
    _table(("likelihood", *across), [(level, *(str(grid[level][i]) for i in across)) for level in LEVELS], 1)
    return EXIT_OK


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _terminal(text: str, width: int | None = None) -> str:
    """User text fit for one table cell on a terminal: control characters (escapes, line ends) shown as spaces."""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    if width is not None and len(flat) > width:
        return flat[: width - 1] + "\u2026"
    return flat


def cmd_export(args) -> int:
    from kit.core import roadmap

    variant = getattr(args, "variant", "")
    export_format = formats.format_of(args.output, variant)  # a wrong suffix, or no Chromium for a PDF,
    formats.check_options(export_format, args.edition, args.paper, args.output)
    export_format.ready(args.output)  # fails before the review is read
    _refuse_overwriting(args.review, args.output, "review")
    review = _load_review(args.review)
    for problem in abridged(roadmap.problems(review)):
        say(f"warning: {problem}", sys.stderr)
    formats.export(review, args.output, args.edition, args.paper, variant)
    what = "executive summary" if export_format.is_handout and args.edition == "summary" else export_format.what
    paper = f", {'A4' if args.paper == 'a4' else 'US letter'} pages" if export_format.needs_chromium else ""
    say(f"wrote {args.output} ({export_format.kind} {what}{paper})")
    return EXIT_OK


def cmd_intake(args) -> int:
    from kit.exchange.intake import intake

    target = args.output or args.review
    if same_file(args.workbook, target):
        raise ReviewError.at(
            target, "", "is the workbook being read; write the review to another file (nothing was written)"
        )
    review = _load_review(args.review)
    result = intake(review, args.workbook)
    changed = len(result.changed)
    what = f"{_plural(result.rows, 'row')} read from {args.workbook}"
    if not result.baseline:
        say(
            f"warning: {args.workbook}: has no record of the answers as exported, so every row was taken as it is",
            sys.stderr,
        )
    if not changed and args.output is None:
        say(f"{what}: no answer changed; {args.review} is as it was")
        return EXIT_OK
    review.save(target)
    marked = ", marked pre-filled until confirmed in the session" if changed else ""
    say(f"{what}: {_plural(changed, 'question')} changed{marked}; wrote {target}")
    return EXIT_OK


def _sync_report(review: reviews.Review, workload_id: str) -> None:
    from kit.exchange import watool

    for disagreement in watool.risk_disagreements(review, workload_id):
        say(f"risk differs: {disagreement}")


def _conflicts(conflicts: list, target: str) -> int:
    for conflict in conflicts:
        say(f"conflict: {conflict}", sys.stderr)
    if conflicts:
        say(
            f"{_plural(len(conflicts), 'conflict')} left as they were in {target}: "
            "run again with --prefer local or --prefer remote to settle them",
            sys.stderr,
        )
        return EXIT_INCOMPLETE
    return EXIT_OK


def cmd_aws_push(args) -> int:
    from kit.core.errors import SyncError
    from kit.exchange import watool

    review = _load_review(args.review)
    if args.dry_run:
        for call in watool.plan_push(review, args.workload_id, args.milestone):
            print(json.dumps(call.to_dict()))  # ASCII only: every other character is escaped
        return EXIT_OK
    wa = watool.client(args.region, args.profile)
    try:
        result = watool.push(wa, review, args.workload_id, args.prefer, args.milestone)
    except SyncError:
        review.save(args.review)  # the sync record says what was written before the failure
        raise
    review.save(args.review)
    done = f"{'created' if result.created else 'updated'} workload {result.workload_id}: {_plural(len(result.written), 'answer')} written"
    if result.kept_remote:
        done += f", {_plural(len(result.kept_remote), 'answer')} taken from the WA Tool"
    if result.milestone is not None:
        done += f", milestone {result.milestone} saved"
    say(done)
    _sync_report(review, result.workload_id)
    return _conflicts(result.conflicts, "the WA Tool")


def cmd_aws_pull(args) -> int:
    from kit.exchange import watool

    wa = watool.client(args.region, args.profile)
    output = Path(args.output)
    known = {}
    local = None
    if output.exists():
        local = _load_review(str(output))
        known = watool.snapshot(local, args.workload_id).get("lenses", {})
    pulled = watool.pull(wa, args.workload_id, args.milestone, known_lenses=known)
    for notice in abridged(pulled.notices):
        say(f"warning: {notice}", sys.stderr)
    if local is None:
        pulled.save(output)
        answered = sum(len(a) for a in pulled.answers.values())
        say(
            f"wrote {output}: {pulled.workload.name!r}, {_plural(answered, 'answer')}, "
            f"{_plural(len(pulled.milestones), 'milestone')} from workload {args.workload_id}"
        )
        _sync_report(pulled, args.workload_id)
        return EXIT_OK
    merged = watool.merge_pulled(local, pulled, args.workload_id, args.prefer)
    local.save(output)
    say(
        f"updated {output} from workload {args.workload_id}: {_plural(len(merged.taken), 'answer')} taken, "
        f"{_plural(len(merged.kept_local), 'local change')} kept, {_plural(merged.milestones, 'milestone')} added"
    )
    _sync_report(local, args.workload_id)
    return _conflicts(merged.conflicts, str(output))


def cmd_aws_list(args) -> int:
    from kit.exchange import watool

    wa = watool.client(args.region, args.profile)
    rows = []
    for workload in watool.list_workloads(wa):
        counts = workload.get("RiskCounts", {})
        rows.append(
            (
                workload.get("WorkloadId", ""),
                workload.get("WorkloadName", ""),
                ", ".join(workload.get("Lenses", [])),
                *(str(counts.get(risk, 0)) for risk in RISKS),
            )
        )
    if not rows:
        say("No workloads in this account and region.")
        return EXIT_OK
    _table(("workload id", "name", "lenses") + RISKS, rows, right_from=3)
    return EXIT_OK


def cmd_serve(args) -> int:
    from kit.serve import serve, serve_portfolio

    guard = (args.host, args.allow_host, args.max_pages)
    if args.portfolio is not None:
        if args.review is not None:
            raise ReviewError.at(args.review, "", "give a review file or --portfolio, not both")
        return serve_portfolio(args.portfolio, args.port, args.open, *guard)
    return serve(args.review, args.port, args.folder, args.open, *guard)


# --- portfolio ------------------------------------------------------------------------

PORTFOLIO_KINDS = {".html": "HTML report", ".xlsx": "workbook, a sheet per report", ".csv": "tidy table"}


def cmd_portfolio(args) -> int:
    from kit.core import portfolio as portfolios

    if not args.paths and not args.aws:
        args.usage_error("give review files or folders (PATH ...), or --aws to read the WA Tool's workloads")
    if (args.region or args.profile) and not args.aws:
        args.usage_error("--region and --profile choose where --aws reads; add --aws")
    if args.output:
        from kit.render.portfolio.report import format_of

        format_of(args.output)  # a wrong suffix fails before any file is read
    if args.milestone is not None and not args.milestone.strip():
        raise ReviewError.at("--milestone", "", "needs 'latest' or a milestone's name")
    documents: list[tuple[str, object]] = []
    if args.aws:
        from kit.exchange import watool

        documents += watool.portfolio_documents(watool.client(args.region, args.profile))
    result = portfolios.read(args.paths, milestone=args.milestone, documents=documents)
    if args.anonymise:
        result = result.anonymised()
    for item in result.skipped:
        say(f"skipped {item.line}", sys.stderr)
    for notice in result.notices:
        say(f"warning: {notice}", sys.stderr)
    if result.synthetic:
        share = "all" if result.all_synthetic else f"{sum(result.facets['synthetic'])} of the"
        print(
            f"note: {share} reviews analysed are synthetic (made by `pillarkit demo portfolio`), not real workloads",
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    if args.output:
        from kit.render.portfolio.report import export

        export(result, args.output)
        say(
            f"wrote {args.output} ({PORTFOLIO_KINDS[Path(args.output).suffix.lower()]} of {_plural(len(result), 'review')}"
            f"{', synthetic' if result.synthetic else ''}{', anonymised' if result.anonymous else ''})",
            sys.stderr if args.json else sys.stdout,
        )
    if not args.json and not args.output:
        _print_portfolio(result)
    if not len(result):
        print("error: no review could be analysed", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _print_portfolio(result) -> None:
    from kit.core import portfolio as portfolios

    print(f"{_plural(len(result), 'review')} analysed, {_plural(len(result.skipped), 'file')} skipped")
    if result.synthetic:
        print("SYNTHETIC DATA: made by `pillarkit demo portfolio`; the workloads and answers are invented")
    if not len(result):
        return
    pillars = portfolios.pillar_report(result)
    print()
    rows = [
        (f"{r.pillar_name} ({r.lens})" if pillars["lens"].nunique() > 1 else r.pillar_name, str(r.rated))
        + tuple(_share(v) for v in (r.high, r.high_or_medium, r.no_risk))
        for r in pillars.itertuples()
    ]
    _table(("pillar", "rated", "high", "high or medium", "no risk"), rows, right_from=1)
    top = options.TOP_QUESTIONS.value()
    for title, frame, column in (
        ("Most often high risk", portfolios.top_high_risk(result, top), "high"),
        ("Best rated (no risk)", portfolios.best_rated(result, top), "no_risk"),
    ):
        print(f"\n{title}")
        for r in frame.itertuples():
            say(f"  {_share(getattr(r, column)):>4}  {r.code + ' ' if r.code else ''}{r.title} ({r.rated} rated)")


def _share(value) -> str:
    return "-" if value != value else f"{value:.0%}"


def cmd_demo_portfolio(args) -> int:
    from kit.core import synthetic

    paths = synthetic.write_portfolio(args.output, args.reviews, args.seed)
    print(
        f"wrote {_plural(len(paths), 'synthetic review file')} to {args.output} (seed {args.seed}); "
        f"they are made up, and each says so. Try: pillarkit portfolio {args.output}"
    )
    return EXIT_OK


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def cmd_options(args) -> int:
    print(options.describe())  # our own text, over several lines
    return EXIT_OK


# --- output helpers -------------------------------------------------------------------


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _table(header: tuple, rows: list[tuple], right_from: int, right: tuple[int, ...] = ()) -> None:
    """Columns from ``right_from`` on, and those listed in ``right``, are aligned right (numbers)."""
    header = tuple(for_terminal(str(cell)) for cell in header)
    rows = [tuple(for_terminal(str(cell)) for cell in row) for row in rows]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(row):
        cells = [
            str(v).rjust(w) if i >= right_from or i in right else str(v).ljust(w)
            for i, (v, w) in enumerate(zip(row, widths))
        ]
        return "  ".join(cells).rstrip()

    say(line(header))
    for row in rows:
        say(line(row))


def _version() -> str:
    from kit import __version__

    return __version__


if __name__ == "__main__":
    sys.exit(main())
