"""Print HTML to PDF with the system's Chromium (Debian's ``chromium`` package), headless and offline.

nbconvert's ``webpdf`` exporter downloads its own browser through Playwright and cannot use the
system's Chromium, so this module calls ``chromium --headless --print-to-pdf`` itself. The
page is opened from a temporary ``file://`` path with background networking, component
updates and sync turned off, in a throw-away profile, so printing needs no network and
leaves nothing behind.

Which Chromium: :data:`CHROMIUM` if set (a module-level setting for tests and embedding), else
the environment variable ``PILLARKIT_CHROMIUM``, else the first of :data:`CANDIDATES` on the
``PATH``. Without one, :func:`print_pdf` raises :class:`ExportError` saying how to install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kit.core import options
from kit.core.errors import ExportError

#: A Chromium executable to use instead of looking one up (a path or a command name); ``None`` looks it up.
CHROMIUM: str | None = None
#: The environment variable that names the Chromium executable.
ENV_VAR = options.CHROMIUM.variable
#: Command names tried on the PATH, in order.
CANDIDATES = ("chromium", "chromium-browser")
#: Seconds to wait for Chromium to print.
TIMEOUT = options.PDF_TIMEOUT_SECONDS.default
#: Chromium run as root with no network: no sandbox, no GPU, and none of the background traffic
#: that this machine's network refuses. The browser tests launch it with these too.
OFFLINE_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
#: Flags for a quiet, offline, headless print. The profile folder and output file are added per run.
FLAGS = (
    "--headless",
    *OFFLINE_FLAGS,
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--no-pdf-header-footer",  # our own page margins and footer, not Chromium's URL and date
)
INSTALL_HINT = "install it with 'apt-get install chromium' (Debian, Ubuntu), or set PILLARKIT_CHROMIUM to its path"


def find_chromium() -> str:
    """The Chromium executable to print with, or :class:`ExportError` saying how to install one."""
    named = CHROMIUM or os.environ.get(ENV_VAR)
    if named:
        found = shutil.which(named)
        if found is None:
            source = f"{ENV_VAR}={named}" if not CHROMIUM else named
            raise ExportError.at("pdf", "", f"Chromium not found at {source}: {INSTALL_HINT}")
        return found
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ExportError.at("pdf", "", f"printing a PDF needs Chromium, which is not installed: {INSTALL_HINT}")


def command(chromium: str, page: Path, output: Path, profile: Path) -> list[str]:
    """The command line that prints ``page`` to ``output``."""
    return [chromium, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={output}", page.resolve().as_uri()]


def print_pdf(html: str, timeout: float | None = None, source: str = "pdf") -> bytes:
    """Print an HTML document to PDF and return the file's bytes (nothing is written but temporary files).

    ``source`` names the output in errors (the file being written, or ``"pdf"`` for a download).
    """
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="pillarkit-pdf-") as folder:
        work = Path(folder)
        page, output, profile = work / "handout.html", work / "handout.pdf", work / "profile"
        page.write_text(html, encoding="utf-8")
        try:
            done = subprocess.run(
                command(chromium, page, output, profile),
                capture_output=True,
                text=True,
                timeout=timeout or TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise ExportError.at(
                source, "", f"Chromium did not finish printing within {timeout or TIMEOUT:.0f} seconds"
            ) from None
        except OSError as exc:
            raise ExportError.at(source, "", f"cannot run Chromium ({chromium}): {exc.strerror or exc}") from None
        data = output.read_bytes() if output.is_file() else b""
        if done.returncode != 0 or not data.startswith(b"%PDF"):
            # Chromium's message may name the temporary copy; the user never gave that path.
            detail = _last_line(done.stderr).replace(str(work), "(temporary copy)") or f"exit status {done.returncode}"
            raise ExportError.at(source, "", f"Chromium could not print the PDF: {detail}")
        return data


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


__all__ = ["CANDIDATES", "CHROMIUM", "ENV_VAR", "FLAGS", "find_chromium", "print_pdf"]
