"""Seeded fuzzing: mutated reviews and lenses give exit 0 or exit 2 with one line per problem.

Never a traceback, never a hang, never a changed input file. The mutations are the kinds the
hardening run found trouble with (deep nesting, huge and non-finite numbers, surrogate halves,
duplicate keys, values of the wrong type, cut and spliced text), drawn from a fixed seed, so a
failure repeats. Each run is bounded: a case that takes more than ``CASE_SECONDS`` fails, and
the loop stops at ``BUDGET_SECONDS`` (on a slow machine fewer cases run, never different ones).
"""

from __future__ import annotations

import copy
import json
import random
import signal
import time
from pathlib import Path

import pytest

from kit.cli import main
from kit.core import roadmap
from kit.core.review import new

SEED = 20_251_129
REVIEW_CASES = 220
LENS_CASES = 160
CASE_SECONDS = 20
BUDGET_SECONDS = 25
LENS_FILE = Path(__file__).resolve().parents[1] / "data" / "handout" / "two-pillars.json"


class Hung(Exception):
    pass


def _alarm(signum, frame):
    raise Hung(f"a case ran for more than {CASE_SECONDS} s")


def seed_review(folder: Path) -> dict:
    """A review with something in every part: answers, notes, an embedded lens, milestone, parked topics, settings."""
    review = new(["wellarchitected", str(LENS_FILE)], "Fuzzed workload")
    review.set_workload("owner", "Ana")
    review.set_workload("regions", ["eu-west-1", "us-east-1"])
    review.set_context("recovery_time_objective", "4 hours")
    lens = review.lenses["wellarchitected"]
    for index, question in enumerate(list(lens.questions())[:8]):
        review.set_choice("wellarchitected", question.id, question.practices[index % len(question.practices)].id)
        review.set_notes("wellarchitected", question.id, f"note {index}")
    review.set_choice("two-pillars", "deploy", "deploy_pipeline")
    review.save_milestone("Kick-off", "2025-01-10")
    review.park("Follow up", "Ana", "wellarchitected", next(lens.questions()).id)
    roadmap.set_horizon(review, "two-pillars", "deploy", 36)
    review.extensions["agenda"] = {"plan_minutes": 240, "timeboxes": {"wellarchitected:security": 40}, "used": {}}
    review.extensions["app"] = {"position": {"lens": "wellarchitected", "question": next(lens.questions()).id}}
    return review.to_dict()


# --- mutations --------------------------------------------------------------------------------

HOSTILE_VALUES = [
    None,
    True,
    0,
    -1,
    2**53,
    10**30,
    1.5,
    "",
    "x" * 3000,
    "\x1b[2J\x00",
    "\ud800",
    [],
    {},
    ["a", 1, None],
    {"a": {"b": [1, {"c": None}]}},
    "NaN",
    "default",
    "!!!!(a",
]


def _nodes(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _nodes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nodes(item, (*path, index))


def _parent(data, path):
    for part in path[:-1]:
        data = data[part]
    return data


def mutate_data(data: dict, rng: random.Random) -> str:
    """A structural change somewhere in the document, written as JSON (surrogates escaped)."""
    data = copy.deepcopy(data)
    paths = [p for p, _ in _nodes(data) if p]
    path = rng.choice(paths)
    parent = _parent(data, path)
    action = rng.randrange(5)
    if action == 0:
        parent[path[-1]] = copy.deepcopy(rng.choice(HOSTILE_VALUES))
    elif action == 1 and isinstance(parent, dict):
        del parent[path[-1]]
    elif action == 1:
        parent.pop(path[-1])
    elif action == 2 and isinstance(parent, dict):
        parent[rng.choice(["extra", "lens", "alias", "Notes", "SelectedChoices", "plan_minutes"])] = rng.choice(
            HOSTILE_VALUES
        )
    elif action == 3:
        deep = rng.choice([1, 2])
        for _ in range(rng.choice([70, 600, 900])):  # json.dumps itself recurses; text mutations go deeper
            deep = [deep]
        parent[path[-1]] = deep
    else:
        value = parent[path[-1]]
        if isinstance(value, str):
            parent[path[-1]] = value * rng.randint(50, 400)
        elif isinstance(value, list) and value:
            parent[path[-1]] = value * rng.randint(2, 60)
        else:
            parent[path[-1]] = rng.choice(HOSTILE_VALUES)
    return json.dumps(data, ensure_ascii=rng.random() < 0.5)


TEXT_SNIPPETS = [
    "1e999",
    "NaN",
    "-Infinity",
    "9" * 5000,
    '"\\ud800"',
    "[" * 800,
    "[" * 50_000,
    "{",
    '"a": 1, "a": 2',
    "\x00",
    "\\",
]


def mutate_text(text: str, rng: random.Random) -> bytes:
    """A change to the characters: something cut, spliced, repeated or swapped in."""
    action = rng.randrange(5)
    at = rng.randrange(len(text))
    if action == 0:
        text = text[:at] + text[at + rng.randint(1, 200) :]
    elif action == 1:
        text = text[:at] + rng.choice(TEXT_SNIPPETS) + text[at:]
    elif action == 2:
        number = next((m for m in _numbers(text, rng)), None)
        replacement = rng.choice(["1e999", "-1e400", "NaN", "9" * 4400, "12345678901234567890"])
        text = text.replace(number, replacement, 1) if number else text + replacement
    elif action == 3:
        end = min(len(text), at + rng.randint(1, 2000))
        text = text[:end] + text[at:end] + text[end:]
    else:
        text = text[:at]
    raw = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.1:
        raw = raw[:at] + bytes([rng.randrange(256)]) + raw[at:]
    return raw


def _numbers(text: str, rng: random.Random):
    import re

    found = re.findall(r"(?<=: )-?\d+(?:\.\d+)?", text)
    rng.shuffle(found)
    yield from found


# --- running ----------------------------------------------------------------------------------


def check(args: list[str], path: Path, capsys) -> None:
    before = path.read_bytes()
    signal.alarm(CASE_SECONDS)
    try:
        status = main(args)
    finally:
        signal.alarm(0)
    out, err = capsys.readouterr()
    assert status in (0, 2), (args, status)
    assert "Traceback" not in out + err
    assert path.read_bytes() == before, f"{args} changed its input"
    lines = err.splitlines() if args[0] != "lens" else out.splitlines()[1:]
    for line in lines:
        assert line.strip(), f"{args}: an empty line"
        assert len(line) < 2_000, f"{args}: a line of {len(line)} characters"
        assert line.lstrip().startswith(("error: ", "warning: ")), line
    if status == 2:
        assert any(line.lstrip().startswith("error: ") for line in lines), (args, out, err)


@pytest.fixture
def alarm():
    previous = signal.signal(signal.SIGALRM, _alarm)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.slow
def test_mutated_reviews(tmp_path, capsys, alarm):
    rng = random.Random(SEED)
    data = seed_review(tmp_path)
    text = json.dumps(data, indent=2)
    path = tmp_path / "mutant.json"
    deadline = time.monotonic() + BUDGET_SECONDS
    for case in range(REVIEW_CASES):
        if time.monotonic() > deadline:
            break
        raw = mutate_data(data, rng).encode("utf-8", "surrogatepass") if case % 2 else mutate_text(text, rng)
        path.write_bytes(raw)
        command = rng.choice([["score"], ["plan"], ["score", "--json"], ["export", "-o", str(tmp_path / "out.csv")]])
        check([command[0], str(path), *command[1:]], path, capsys)
    assert case >= 50, "too few cases ran to mean anything"


@pytest.mark.slow
def test_mutated_lenses(tmp_path, capsys, alarm):
    rng = random.Random(SEED + 1)
    data = json.loads(LENS_FILE.read_text(encoding="utf-8"))
    text = LENS_FILE.read_text(encoding="utf-8")
    path = tmp_path / "mutant-lens.json"
    deadline = time.monotonic() + BUDGET_SECONDS
    for case in range(LENS_CASES):
        if time.monotonic() > deadline:
            break
        raw = mutate_data(data, rng).encode("utf-8", "surrogatepass") if case % 2 else mutate_text(text, rng)
        path.write_bytes(raw)
        check(["lens", "validate", str(path)], path, capsys)
    assert case >= 50, "too few cases ran to mean anything"
