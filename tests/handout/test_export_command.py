"""`pillarkit export REVIEW -o FILE`: the format from the suffix, one-line errors, exit status 2 on bad input."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kit.cli import main
from kit.core.errors import ExportError
from kit.render import formats, pdf
from tests.handout.reviews import small_review

PILLARKIT = Path(sys.executable).with_name("pillarkit")
CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


@pytest.fixture
def review_file(tmp_path) -> Path:
    path = tmp_path / "checkout.json"
    small_review().save(path)
    return path


@pytest.mark.parametrize(
    "suffix, check",
    [
        (".html", lambda p: p.read_text().startswith("<!DOCTYPE html>")),
        (".csv", lambda p: p.read_bytes().startswith(b"\xef\xbb\xbfLens,")),
        (".xlsx", lambda p: openpyxl.load_workbook(p).sheetnames[0] == "Summary"),
        (".json", lambda p: json.loads(p.read_text())["format"] == "pillarkit-review-export"),
        (".HTML", lambda p: "<html" in p.read_text()),
    ],
)
def test_each_format_from_its_suffix(review_file, tmp_path, capsys, suffix, check):
    output = tmp_path / "out" / f"handout{suffix}"
    assert main(["export", str(review_file), "-o", str(output)]) == 0
    assert capsys.readouterr().out == f"wrote {output} ({suffix[1:].upper()} {handout_kind(suffix)})\n"
    assert check(output)
    assert not [p for p in output.parent.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def handout_kind(suffix: str) -> str:
    return {".html": "handout", ".csv": "answers", ".xlsx": "workbook", ".json": "review with its risks"}[
        suffix.lower()
    ]


def test_an_export_is_readable_by_others_like_any_new_file(review_file, tmp_path):
    output = tmp_path / "handout.html"
    old = os.umask(0o022)
    try:
        formats.export(small_review(), output)
    finally:
        os.umask(old)
    assert stat.S_IMODE(output.stat().st_mode) == 0o644


@pytest.mark.parametrize("name", ["handout.txt", "handout", "handout.htm", "handout.xls", "handout.pdf.bak"])
def test_a_wrong_suffix_is_one_line_and_exit_2(review_file, tmp_path, capsys, name):
    assert main(["export", str(review_file), "-o", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"error: {tmp_path / name}: cannot tell the format from ")
    assert err[0].endswith("use one of .html, .pdf, .xlsx, .csv, .json")
    assert not (tmp_path / name).exists()


def test_a_missing_or_broken_review_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["export", str(tmp_path / "nope.json"), "-o", str(tmp_path / "x.html")]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'nope.json'}: no such file\n"
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert main(["export", str(broken), "-o", str(tmp_path / "x.csv")]) == 2
    assert capsys.readouterr().err.startswith(f"error: {broken}: line 1, column 2: invalid JSON")


def test_ignored_roadmap_entries_are_warned_about(review_file, tmp_path, capsys):
    data = json.loads(review_file.read_text())
    data["extensions"]["horizons"] = {"two-pillars/observe": 7}
    review_file.write_text(json.dumps(data))
    assert main(["export", str(review_file), "-o", str(tmp_path / "x.json")]) == 0
    assert (
        capsys.readouterr().err
        == f"warning: {review_file}: extensions.horizons.two-pillars/observe: 7 is not 3, 12 or 36 months; the default horizon is used\n"
    )


def test_the_installed_command(review_file, tmp_path):
    result = subprocess.run(
        [str(PILLARKIT), "export", str(review_file), "-o", str(tmp_path / "h.html")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote ")
    result = subprocess.run([str(PILLARKIT), "export", "--help"], capture_output=True, text=True, timeout=60)
    assert ".html, .pdf, .xlsx, .csv or .json" in " ".join(result.stdout.split())


# --- PDF ----------------------------------------------------------------------------------


def test_pdf_without_chromium_says_how_to_install_it(review_file, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PILLARKIT_CHROMIUM", str(tmp_path / "no-such-chromium"))
    assert main(["export", str(review_file), "-o", str(tmp_path / "h.pdf")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert "Chromium not found" in err[0] and "apt-get install chromium" in err[0]
    assert not (tmp_path / "h.pdf").exists()


def test_pdf_lookup_finds_nothing_on_an_empty_path(monkeypatch, tmp_path):
    monkeypatch.delenv("PILLARKIT_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(
        ExportError, match=r"needs Chromium, which is not installed: install it with 'apt-get install chromium'"
    ):
        pdf.find_chromium()


def test_the_module_setting_wins_over_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PILLARKIT_CHROMIUM", "/bin/true")
    monkeypatch.setattr(pdf, "CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(ExportError, match=r"Chromium not found at .*missing"):
        pdf.find_chromium()


def test_a_chromium_that_fails_is_reported(monkeypatch, tmp_path):
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "CHROMIUM", str(fake))
    with pytest.raises(ExportError, match="Chromium could not print the PDF: cannot open display"):
        pdf.print_pdf("<p>x</p>")


def test_the_print_command_is_headless_and_offline(tmp_path):
    command = pdf.command("/usr/bin/chromium", tmp_path / "h.html", tmp_path / "h.pdf", tmp_path / "profile")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ):
        assert flag in command
    assert command[-1] == (tmp_path / "h.html").resolve().as_uri() and command[-1].startswith("file://")
    assert f"--print-to-pdf={tmp_path / 'h.pdf'}" in command


@pytest.mark.slow
@needs_chromium
def test_pdf_is_printed_with_a_page_per_pillar(review_file, tmp_path, capsys):
    output = tmp_path / "handout.pdf"
    assert main(["export", str(review_file), "-o", str(output)]) == 0
    data = output.read_bytes()
    assert data.startswith(b"%PDF-")
    import re

    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    assert pages >= 5  # cover, summary, two pillars (each on a new page), plan
