"""The command against hostile input: exit 2 and one line per problem, never a traceback, a hang or a changed file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kit.cli import main
from kit.core.review import new

PILLARKIT = Path(sys.executable).with_name("pillarkit")
WA = "wellarchitected"


def run(*args: str | bytes, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([str(PILLARKIT), *args], capture_output=True, timeout=timeout)


@pytest.fixture
def review_file(tmp_path) -> Path:
    path = tmp_path / "r.json"
    new([WA], "Hostile").save(path)
    return path


def review_text(**changes) -> str:
    data = new([WA], "Hostile").to_dict()
    data.update(changes)
    return json.dumps(data)


MALFORMED = {
    "deep.json": '{"format": "pillarkit-review", "extensions": ' + "[" * 600 + "]" * 600 + "}",
    "huge-integer.json": '{"version": ' + "9" * 4400 + "}",
    "infinite.json": review_text().replace('"version": 1', '"version": 1e999'),
    "nan.json": review_text().replace('"version": 1', '"version": NaN'),
    "surrogate.json": review_text().replace('"name": "Hostile"', '"name": "\\ud800"'),
    "duplicate.json": review_text().replace('"version": 1', '"version": 1, "version": 1'),
    "plan-minutes.json": review_text(extensions={"agenda": {"plan_minutes": "x"}}),
    "long-owner.json": review_text(workload={"owner": "o" * 200_000}),
}
EXPECTED = {
    "deep.json": "extensions[0][0]",
    "huge-integer.json": "version, line 1, column 13: a whole number of 4400 digits is beyond",
    "infinite.json": "1e999 is too large to be a number",
    "nan.json": "version, line 1, column 43: invalid JSON: NaN is not a JSON value",
    "surrogate.json": "workload.name: the text holds \\ud800, half of a surrogate pair",
    "duplicate.json": "the key 'version' appears twice in this object",
    "plan-minutes.json": "extensions.agenda.plan_minutes: 'x' is not of type 'integer'",
    "long-owner.json": "workload.owner: has 200,000 characters; at most 255 are allowed",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
@pytest.mark.parametrize("command", [["score"], ["plan"], ["export", "-o", "out.html"]])
def test_malformed_reviews_are_one_line_and_exit_2(tmp_path, capsys, name, command):
    path = tmp_path / name
    path.write_text(MALFORMED[name], encoding="utf-8")
    before = path.read_bytes()
    args = [command[0], str(path), *command[1:]]
    assert main(args) == 2
    out, err = capsys.readouterr()
    [line] = err.splitlines()
    assert line.startswith(f"error: {path}: ") and EXPECTED[name] in line and len(line) < 400
    assert out == "" and path.read_bytes() == before and not (tmp_path / "out.html").exists()


@pytest.mark.slow
def test_special_files_are_refused_without_hanging(tmp_path):
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for target, message in ((fifo, "is a named pipe, not a file"), ("/dev/zero", "is a device, not a file")):
        done = run("score", str(target))
        assert done.returncode == 2 and done.stderr.decode() == f"error: {target}: {message}\n"
    done = run("lens", "validate", str(fifo))
    assert done.returncode == 2 and f"error: {fifo}: is a named pipe, not a file" in done.stdout.decode()


@pytest.mark.slow
def test_a_workload_name_that_is_not_utf8_is_refused(tmp_path):
    done = run("new", "--lens", WA, "--workload", b"caf\xff", "-o", str(tmp_path / "r.json"))
    assert done.returncode == 2
    assert done.stderr.decode() == (
        "error: --workload: workload name holds \\udcff, which is not a character (is the terminal set to UTF-8?)\n"
    )
    assert not (tmp_path / "r.json").exists()


def test_a_workload_name_past_the_wa_tools_limit_is_refused(tmp_path, capsys):
    assert main(["new", "--lens", WA, "--workload", "n" * 101, "-o", str(tmp_path / "r.json")]) == 2
    assert capsys.readouterr().err == (
        "error: --workload: workload name has 101 characters; at most 100 are allowed, so it was refused, not cut\n"
    )


# --- outputs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink", "hardlink"])
def test_an_export_never_overwrites_its_own_input(review_file, capsys, spelling):
    folder = review_file.parent
    output = {
        "same": review_file,
        "dotted": folder / "sub" / ".." / review_file.name,
        "symlink": folder / "link.json",
        "hardlink": folder / "hard.json",
    }[spelling]
    if spelling == "symlink":
        output.symlink_to(review_file)
    elif spelling == "hardlink":
        os.link(review_file, output)
    before = review_file.read_bytes()
    assert main(["export", str(review_file), "-o", str(output)]) == 2
    assert capsys.readouterr().err == (
        f"error: {output}: is the review being exported; write the export to another file (nothing was written)\n"
    )
    assert review_file.read_bytes() == before


def test_a_lens_export_never_overwrites_its_lens(tmp_path, write_lens, lens_document, capsys):
    lens = write_lens(lens_document())
    before = lens.read_bytes()
    assert main(["lens", "export", str(lens), "-o", str(lens)]) == 2
    assert "is the lens being exported" in capsys.readouterr().err and lens.read_bytes() == before


def test_an_output_that_is_a_folder_is_named(review_file, capsys):
    folder = review_file.parent / "out.json"
    folder.mkdir()
    assert main(["export", str(review_file), "-o", str(folder)]) == 2
    assert capsys.readouterr().err == f"error: {folder}: is a folder; give the name of a file to write\n"
    assert list(folder.iterdir()) == []


@pytest.mark.slow
def test_a_full_disk_names_the_output_and_leaves_nothing(tmp_path):
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(tiny)]).returncode:
        pytest.skip("mounting a tiny tmpfs needs root (the unit tests inject ENOSPC instead)")
    try:
        done = run("lens", "export", WA, "-o", str(tiny / "wa.json"))  # 400 kB into 16 kB
        assert done.returncode == 2
        assert done.stderr.decode() == f"error: {tiny / 'wa.json'}: No space left on device\n"
        assert list(tiny.iterdir()) == []
    finally:
        subprocess.run(["umount", str(tiny)], check=True)


# --- what reaches a terminal ----------------------------------------------------------------------

ESCAPES = "\x1b]52;c;SGVsbG8=\x07\x1b[2J\x9b31m\u202e"


def test_terminal_escapes_in_a_review_are_shown_not_sent(tmp_path, write_lens, lens_document, capsys):
    document = lens_document()
    document["pillars"][0]["name"] = f"Pillar {ESCAPES}"
    document["pillars"][0]["questions"][0]["title"] = f"Title {ESCAPES}"
    document["pillars"][0]["questions"][0]["choices"][0]["title"] = f"Choice {ESCAPES}"
    document["pillars"][0]["questions"][0]["choices"][0]["improvementPlan"]["displayText"] = f"Do {ESCAPES}"
    lens = write_lens(document, "evil.json")
    review = new([str(lens)], f"Name {ESCAPES}")
    review.set_choice("evil", "q1", "b")
    path = tmp_path / "evil-review.json"
    review.save(path)
    for args in (["score", str(path)], ["plan", str(path)], ["lens", "validate", str(lens)]):
        assert main(args) == 0
        out = capsys.readouterr().out
        assert not any(c in out for c in "\x1b\x07\x9b\u202e"), args
    assert main(["score", str(path)]) == 0
    assert capsys.readouterr().out.startswith("Name \\x1b]52;c;SGVsbG8=\\x07\\x1b[2J\\x9b31m\\u202e: ")
    assert main(["plan", str(path)]) == 0
    assert "- Choice \\x1b]52;c;SGVsbG8=\\x07\\x1b[2J" in capsys.readouterr().out


def test_many_unknown_answers_are_a_few_warning_lines(review_file, capsys):
    data = json.loads(review_file.read_text())
    data["answers"][WA] = {f"gone-{i}": {"IsApplicable": False} for i in range(2_000)}
    review_file.write_text(json.dumps(data))
    assert main(["score", str(review_file)]) == 0
    warnings = capsys.readouterr().err.splitlines()
    assert len(warnings) == 4
    assert warnings[-1].endswith(
        "and 1,997 more: answers name questions or choices the lenses do not have; every one is kept"
    )


def test_serve_refuses_a_review_with_a_bad_setting_before_voila_starts(tmp_path, capsys, monkeypatch):
    path = tmp_path / "bad.json"
    path.write_text(MALFORMED["plan-minutes.json"])
    monkeypatch.setattr("kit.serve.launch", lambda *a, **k: pytest.fail("Voila was started"))
    assert main(["serve", str(path)]) == 2
    assert "extensions.agenda.plan_minutes: 'x' is not of type 'integer'" in capsys.readouterr().err


def test_a_closed_pipe_ends_the_output_quietly(review_file):
    if shutil.which("head") is None:
        pytest.skip("needs head")
    done = subprocess.run(f"'{PILLARKIT}' plan '{review_file}' | head -1", shell=True, capture_output=True, timeout=60)
    assert done.stderr == b""


def test_a_pdf_that_cannot_be_printed_names_the_file_asked_for(review_file, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PILLARKIT_CHROMIUM", str(tmp_path / "no-such-chromium"))
    output = tmp_path / "handout.pdf"
    assert main(["export", str(review_file), "-o", str(output)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: {output}: Chromium not found")
