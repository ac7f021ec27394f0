"""The one JSON reader and writer: every refused input is one line naming the file and the place."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time

import pytest

from kit.app.storage import Storage
from kit.core import jsonio
from kit.core.errors import ReviewError, WriteError
from kit.core.jsonio import clean_temporaries, dumps, parse_json, read_json, same_file, write_atomic


def refused(text: str) -> str:
    with pytest.raises(ReviewError) as caught:
        parse_json(text, "r.json", ReviewError)
    assert len(caught.value.lines()) == 1
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1,\n "a": 2}', "r.json: a, line 2, column 2: the key 'a' appears twice in this object"),
        ('{"x": [{"b": 1, "\\u0062": 2}]}', "r.json: x[0].b, line 1, column 17: the key 'b' appears twice"),
        ('{"n": 1e999}', "r.json: n, line 1, column 7: 1e999 is too large to be a number (it would be infinite)"),
        ('{"n": -1E400}', "r.json: n, line 1, column 7: -1E400 is too large"),
        ('{"n": NaN}', "r.json: n, line 1, column 7: invalid JSON: NaN is not a JSON value"),
        ('{"n": [Infinity]}', "r.json: n[0], line 1, column 8: invalid JSON: Infinity is not a JSON value"),
        ('{"n": 9007199254740992}', "r.json: n, line 1, column 7: 9007199254740992 is beyond ±9007199254740991"),
        ('{"n": ' + "7" * 5000 + "}", "r.json: n, line 1, column 7: a whole number of 5000 digits is beyond"),
        ('{"notes": "a\\ud800b"}', "r.json: notes: the text holds \\ud800, half of a surrogate pair"),
        ('{"k": ["\\udfff"]}', "r.json: k[0]: the text holds \\udfff"),
        ('{"\\ud800": 1}', "r.json: \ud800: the key holds \\ud800"),
        ("[" * 65 + "]" * 65, "r.json: [0][0][0][0]"),
        ("[" * 100_000 + "]" * 100_000, "nested deeper than 64 levels"),
        ('{"a": [1, 2,, 3]}', "r.json: a[2], line 1, column 13: invalid JSON: Expecting value"),
    ],
)
def test_refused_values_are_one_line_with_their_place(text, message):
    assert message in refused(text)


def test_what_every_reader_agrees_on_is_read():
    text = '{"emoji": "\\ud83d\\ude00", "big": 9007199254740991, "small": -1e-400, "deep": ' + "[" * 63 + "]" * 63 + "}"
    data = parse_json(text, "r.json", ReviewError)
    assert data["emoji"] == "😀" and data["big"] == 2**53 - 1 and data["small"] == 0.0


def test_deep_nesting_names_line_and_column():
    assert refused('{"a":' * 70 + "1" + "}" * 70).endswith("line 1, column 321: nested deeper than 64 levels")


def test_special_files_are_refused_before_they_are_read(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    # In a child process, so a regression hangs one subprocess (and fails) rather than the suite.
    probe = "from kit.core.jsonio import read_json; from kit.core.errors import ReviewError\n"
    probe += "import sys\ntry: read_json(sys.argv[1], ReviewError)\nexcept ReviewError as e: print(e)"
    done = subprocess.run([sys.executable, "-c", probe, str(fifo)], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == f"{fifo}: is a named pipe, not a file"
    for path, message in (("/dev/zero", "is a device, not a file"), (str(tmp_path), "is a folder, not a file")):
        with pytest.raises(ReviewError, match=message):
            read_json(path, ReviewError)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setenv("PILLARKIT_MAX_FILE_MB", "1")
    big = tmp_path / "big.json"
    big.write_bytes(b"[" + b"0," * 600_000 + b"0]")
    with pytest.raises(ReviewError) as caught:
        read_json(big, ReviewError)
    assert str(caught.value) == (
        f"{big}: is 1.1 MB; files over 1.0 MB are refused ($PILLARKIT_MAX_FILE_MB sets the limit in MB)"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"used": {"x": float("inf")}}, "output: used.x: inf is not a number JSON can hold"),
        ({"n": [float("nan")]}, "output: n[0]: nan is not a number JSON can hold"),
        ({"notes": "\udcff"}, "output: notes: the text holds \\udcff"),
        ({"n": 2**60}, "output: n: 1152921504606846976 is beyond"),
        ({"deep": json.loads("[" * 70 + "]" * 70)}, "output: deep[0]"),
    ],
)
def test_nothing_is_written_that_the_reader_would_refuse(data, message):
    with pytest.raises(WriteError) as caught:
        dumps(data)
    assert str(caught.value).startswith(message)
    assert str(caught.value).endswith("nothing was written")


def test_what_is_written_reads_back():
    data = {"text": "tab\tand \x1b[2J and é", "n": 2**53 - 1, "x": 1.5, "list": [None, True]}
    assert parse_json(dumps(data), "x", ReviewError) == data


# --- writing files --------------------------------------------------------------------------


def test_a_full_disk_names_the_file_asked_for(tmp_path, monkeypatch):
    target = tmp_path / "review.json"
    target.write_text("old")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(jsonio.os, "fsync", full)
    with pytest.raises(OSError) as caught:
        write_atomic(target, "new text")
    assert caught.value.filename == str(target) and caught.value.errno == errno.ENOSPC
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review.json"]  # the temporary file went too


def test_a_folder_given_as_the_file_is_named(tmp_path):
    with pytest.raises(IsADirectoryError) as caught:
        write_atomic(tmp_path, "x")
    assert caught.value.filename == str(tmp_path) and "is a folder" in caught.value.strerror
    afile = tmp_path / "afile"
    afile.write_text("")
    with pytest.raises(NotADirectoryError) as caught:
        write_atomic(afile / "x.json", "x")
    assert caught.value.filename == str(afile / "x.json")


def test_same_file_sees_links_and_other_spellings(tmp_path):
    original = tmp_path / "r.json"
    original.write_text("{}")
    (tmp_path / "soft.json").symlink_to(original)
    os.link(original, tmp_path / "hard.json")
    assert same_file(original, tmp_path / "soft.json")
    assert same_file(original, tmp_path / "hard.json")
    assert same_file(original, tmp_path / "sub" / ".." / "r.json")
    assert not same_file(original, tmp_path / "other.json")


def _leave_temporary(folder, name="review.json", content=b"half a review", age=0.0):
    path = folder / f".{name}.abcd1234{jsonio.TEMP_SUFFIX}"
    path.write_bytes(content)
    if age:
        stamp = time.time() - age
        os.utime(path, (stamp, stamp))
    return path


def test_temporary_files_of_dead_writers_are_cleaned_on_the_next_write(tmp_path):
    dead = _leave_temporary(tmp_path)
    earlier = tmp_path / ".old.json.k2j3h4g5.tmp"  # what earlier releases left, unlocked
    earlier.write_bytes(b"x")
    stamp = time.time() - 3600
    os.utime(earlier, (stamp, stamp))
    fresh_earlier = tmp_path / ".new.json.a1b2c3d4.tmp"
    fresh_earlier.write_bytes(b"x")
    someone_elses = tmp_path / ".notes.txt.abcdefgh.tmp"
    someone_elses.write_bytes(b"x")
    write_atomic(tmp_path / "other.json", "{}")
    names = {p.name for p in tmp_path.iterdir()}
    assert dead.name not in names and earlier.name not in names
    assert {"other.json", fresh_earlier.name, someone_elses.name} <= names


def test_a_live_writers_temporary_file_is_left_alone(tmp_path):
    live = _leave_temporary(tmp_path)
    # Another process holds the lock, as write_atomic does while it writes.
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\nfd = os.open(sys.argv[1], os.O_RDONLY)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(60)",
            str(live),
        ],
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        try:
            assert holder.stdout.readline().strip() == "locked"
            assert clean_temporaries(tmp_path) == []
            assert live.exists()
        finally:
            holder.kill()
    assert clean_temporaries(tmp_path) == [live.name]


def test_a_file_a_writer_was_killed_making_goes_after_a_minute(tmp_path):
    # Made, not yet locked: a live writer passes this point in microseconds, a killed one stays.
    making = tmp_path / f".review.json.abcd1234{jsonio.CREATING_SUFFIX}"
    making.write_bytes(b"")
    dead = _leave_temporary(tmp_path, content=b"")  # locked, then killed before writing: goes at once
    assert clean_temporaries(tmp_path) == [dead.name]
    assert clean_temporaries(tmp_path, now=time.time() + 61) == [making.name]


def test_temporary_files_are_never_offered_as_reviews(tmp_path):
    _leave_temporary(tmp_path, content=b'{"format": "pillarkit-review", "workload": {"name": "temp"}}')
    (tmp_path / "x.json.tmp").write_text('{"format": "pillarkit-review"}')
    assert Storage(tmp_path).saved() == []
