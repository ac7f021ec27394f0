"""Every option of the kit in one place: its default, the environment variable that sets it, and help.

The command line, ``pillarkit serve``, the app and the PDF printer read their defaults from here,
so a port or a folder is written once. An environment variable wins over the default; an
argument given on the command line or to a constructor wins over both.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from kit.core.errors import OptionError

T = TypeVar("T", int, float, str)


@dataclass(frozen=True)
class Option(Generic[T]):
    """One setting: ``value()`` reads the environment variable (if any), else the default."""

    name: str
    default: T
    help: str
    env: str | None = None

    @property
    def variable(self) -> str:
        """The environment variable, for an option handed to a child process (such as Voila's kernels) through one."""
        if self.env is None:
            raise ValueError(f"the option {self.name!r} has no environment variable")
        return self.env

    def value(self, environ: Mapping[str, str] | None = None) -> T:
        environ = os.environ if environ is None else environ
        raw = environ.get(self.env) if self.env else None
        if raw is None or raw == "":
            return self.default
        try:
            return type(self.default)(raw)
        except ValueError:
            kind = {int: "a whole number", float: "a number"}.get(type(self.default), "text")
            raise OptionError.at(f"${self.env}", "", f"{raw!r} is not a valid {self.name} ({kind})") from None


# --- serving the app ---------------------------------------------------------------------
PORT: Option[int] = Option("port", 8866, "the port `pillarkit serve` listens on", "PILLARKIT_PORT")
HOST: Option[str] = Option(
    "host", "127.0.0.1", "the address `pillarkit serve` listens on (`--host`; 0.0.0.0 for every network)"
)
TOKEN: Option[str] = Option(
    "token",
    "",
    "the token the app's address must carry (default: a new random one each run, printed with the address)",
    "PILLARKIT_TOKEN",
)
ALLOW_HOSTS: Option[str] = Option(
    "allow_hosts",
    "",
    "host names, besides this machine's, a browser may use to reach `pillarkit serve`, comma separated "
    "(`--allow-host`; '*' for any)",
    "PILLARKIT_ALLOW_HOSTS",
)
#: Twelve: the ten rooms one server is meant to hold (issue 10's ten-page rehearsal) and room to spare.
MAX_PAGES: Option[int] = Option(
    "max_pages",
    12,
    "how many app pages `pillarkit serve` runs at once, each with a kernel of about 100 MB (`--max-pages`)",
    "PILLARKIT_MAX_PAGES",
)
LAUNCHER: Option[int] = Option(
    "launcher",
    0,
    "the process that started the Voila server (set by `pillarkit serve`); the server stops, and stops its "
    "kernels, when that process is gone, however it ended (0: it runs on its own)",
    "PILLARKIT_LAUNCHER",
)
PAGE_CONNECT_SECONDS: Option[int] = Option(
    "page_connect_seconds",
    60,
    "how long a kernel started for a page waits for the page to connect before it is shut down",
    "PILLARKIT_PAGE_CONNECT_SECONDS",
)
REVIEW: Option[str] = Option(
    "review",
    "",
    "a review file the app opens instead of a new review (`pillarkit serve FILE` sets it)",
    "PILLARKIT_REVIEW",
)
FOLDER: Option[str] = Option(
    "folder",
    "reviews",
    "where the app autosaves reviews and writes its log; relative to the current directory "
    "(`pillarkit serve --folder DIR` sets it)",
    "PILLARKIT_FOLDER",
)

PORTFOLIO: Option[str] = Option(
    "portfolio",
    "",
    "review files or a folder the portfolio notebook analyses (`pillarkit serve --portfolio DIR` sets it); "
    "empty: the synthetic demo portfolio",
    "PILLARKIT_PORTFOLIO",
)

# --- the app -----------------------------------------------------------------------------
DEFAULT_LENS: Option[str] = Option("lens", "wellarchitected", "the lens a new review starts with")
AUTOSAVE_SECONDS: Option[float] = Option(
    "autosave_seconds", 1.0, "how far the file may lag behind the screen, in seconds"
)
PLAN_MINUTES: Option[int] = Option(
    "plan_minutes", 240, "the length of a review's agenda, in minutes, spread over the pillars"
)
TIMER_TICK_SECONDS: Option[int] = Option(
    "timer_tick_seconds", 15, "how often the agenda's running timer updates the screen"
)
ORPHAN_SECONDS: Option[int] = Option(
    "orphan_seconds",
    20,
    "how long a kernel Voila started for a page waits, once that page is gone, before it shuts itself down",
    "PILLARKIT_ORPHAN_SECONDS",
)

# --- the risk register ---------------------------------------------------------------------
ACCEPT_DAYS: Option[int] = Option(
    "accept_days",
    90,
    "how long a risk accepted without a date stays accepted, in days; then it reopens",
)

# --- files -------------------------------------------------------------------------------
MAX_FILE_MB: Option[int] = Option(
    "max_file_mb",
    20,
    "the largest review or lens file the kit reads, in megabytes (a larger one is refused, not read)",
    "PILLARKIT_MAX_FILE_MB",
)
# A workbook is a zip: its file size says little about what it unpacks to (deflate packs a run of
# zeros a thousand to one) or about how many cells openpyxl builds from it. The kit's own export
# of both bundled lenses is 15 parts, 0.8 MB unpacked, 12,500 cells and 412 rows of answers;
# these limits leave that many times over and stop a crafted file long before memory or time.
# The ratio is an early, cheap sign (deflate reaches about 1,000 to 1 on a run of zeros; a real
# sheet about 5 to 20, very regular XML past 100), not the guard: what really unpacks is counted.
MAX_WORKBOOK_MB: Option[int] = Option(
    "max_workbook_mb",
    50,
    "the most a workbook (`pillarkit intake --from`) may unpack to, in megabytes, all its parts together",
    "PILLARKIT_MAX_WORKBOOK_MB",
)
MAX_WORKBOOK_PARTS: Option[int] = Option(
    "max_workbook_parts",
    1000,
    "the most parts (files inside the zip) a workbook may have",
    "PILLARKIT_MAX_WORKBOOK_PARTS",
)
MAX_WORKBOOK_RATIO: Option[int] = Option(
    "max_workbook_ratio",
    200,
    "how many times its packed size a workbook part over 1 MB may unpack to (more is a zip bomb's mark)",
    "PILLARKIT_MAX_WORKBOOK_RATIO",
)
MAX_WORKBOOK_CELLS: Option[int] = Option(
    "max_workbook_cells",
    100_000,
    "the most cells a workbook may hold, all sheets together (merged and linked ranges count every cell they cover)",
    "PILLARKIT_MAX_WORKBOOK_CELLS",
)
MAX_WORKBOOK_ROWS: Option[int] = Option(
    "max_workbook_rows",
    5000,
    "the most rows the intake reads from a workbook's Answers sheet (one row per choice of the review's lenses)",
    "PILLARKIT_MAX_WORKBOOK_ROWS",
)

# --- exports -----------------------------------------------------------------------------
CHROMIUM: Option[str] = Option(
    "chromium", "", "the Chromium that prints PDF handouts (default: `chromium` on the PATH)", "PILLARKIT_CHROMIUM"
)
PDF_TIMEOUT_SECONDS: Option[int] = Option("pdf_timeout_seconds", 120, "how long Chromium may take to print one handout")

# --- the portfolio -----------------------------------------------------------------------
PSEUDONYM_KEY: Option[str] = Option(
    "pseudonym_key",
    "",
    "a secret that keeps `--anonymise` pseudonyms the same from run to run and across portfolios "
    "(empty: derived from the portfolio's own names, so the same files give the same pseudonyms)",
    "PILLARKIT_PSEUDONYM_KEY",
)
CACHE: Option[str] = Option(
    "cache",
    "",
    "the folder where the portfolio keeps what it read from each review file, so reading a folder again "
    "costs a hash per file (default: pillarkit in the user's cache folder; `off`: keep nothing)",
    "PILLARKIT_CACHE",
)
DEMO_REVIEWS: Option[int] = Option("demo_reviews", 150, "how many synthetic reviews `pillarkit demo portfolio` writes")
DEMO_SEED: Option[int] = Option(
    "demo_seed", 2020, "the seed of the synthetic demo portfolio (the same seed, the same files)"
)
TOP_QUESTIONS: Option[int] = Option(
    "top_questions", 10, "how many questions the portfolio's top high-risk and best-rated reports list"
)

ALL: tuple[Option[int] | Option[float] | Option[str], ...] = (
    PORT,
    HOST,
    TOKEN,
    ALLOW_HOSTS,
    MAX_PAGES,
    LAUNCHER,
    PAGE_CONNECT_SECONDS,
    REVIEW,
    FOLDER,
    PORTFOLIO,
    DEFAULT_LENS,
    AUTOSAVE_SECONDS,
    PLAN_MINUTES,
    TIMER_TICK_SECONDS,
    ORPHAN_SECONDS,
    ACCEPT_DAYS,
    MAX_FILE_MB,
    MAX_WORKBOOK_MB,
    MAX_WORKBOOK_PARTS,
    MAX_WORKBOOK_RATIO,
    MAX_WORKBOOK_CELLS,
    MAX_WORKBOOK_ROWS,
    CHROMIUM,
    PDF_TIMEOUT_SECONDS,
    PSEUDONYM_KEY,
    CACHE,
    DEMO_REVIEWS,
    DEMO_SEED,
    TOP_QUESTIONS,
)


def folder(environ: Mapping[str, str] | None = None) -> Path:
    """The autosave folder, absolute, from ``PILLARKIT_FOLDER`` or ``reviews/`` here."""
    return Path(FOLDER.value(environ)).expanduser().resolve()


def describe() -> str:
    """A table of every option for ``pillarkit options``: name, default, environment variable, help."""
    rows = [(o.name, repr(o.default), o.env or "-", o.help) for o in ALL]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:<{widths[2]}}  {d}" for a, b, c, d in rows)
