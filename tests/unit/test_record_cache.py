"""The portfolio's cache: a folder read again gives exactly what a fresh reading gives, and never a stale record."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import msgspec
import pytest

from kit.core import lens as lenses
from kit.core import portfolio as portfolios
from kit.core import record_cache, synthetic
from kit.core.review import Review


@pytest.fixture
def folder(tmp_path) -> Path:
    """Twelve synthetic reviews (some with milestones) and a broken file."""
    root = tmp_path / "reviews"
    synthetic.write_portfolio(root, 12, seed=5, durable=False)
    (root / "broken.json").write_text('{"format": "pillarkit-review"', encoding="utf-8")
    return root


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def same(one: portfolios.Portfolio, other: portfolios.Portfolio) -> None:
    """Two readings agree: the JSON contract, every facet, every matrix, every skipped line."""
    assert one.to_json() == other.to_json()
    assert one.facets == other.facets
    assert [(s.file, s.error) for s in one.skipped] == [(s.file, s.error) for s in other.skipped]
    assert one.lenses.keys() == other.lenses.keys()
    for key, data in one.lenses.items():
        theirs = other.lenses[key]
        for name in ("rows", "statuses", "risks", "question_reasons", "choice_reasons", "baseline"):
            assert (getattr(data, name) == getattr(theirs, name)).all(), name


def test_a_second_reading_takes_every_readable_file_from_the_cache_and_agrees_with_a_fresh_one(folder, cache):
    first = portfolios.read([folder], cache=cache)
    assert first.cached_reads == 0
    again = portfolios.read([folder], cache=cache)
    assert again.cached_reads == 12  # the broken file is read, and refused, each time
    same(again, portfolios.read([folder], cache=False))
    same(again, first)
    assert [s.file for s in again.skipped] == [str(folder / "broken.json")]


def test_an_edited_file_is_read_again_even_with_its_size_and_timestamps_put_back(folder, cache):
    portfolios.read([folder], cache=cache)
    path = sorted(folder.glob("*.json"))[0]
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    # A question marked not applicable, in place, the file's length kept ("true" for "false" less a space).
    edited = text.replace('"IsApplicable": true', '"IsApplicable":false', 1)
    assert len(edited) == len(text) and edited != text
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = portfolios.read([folder], cache=cache)
    assert again.cached_reads == 11
    same(again, portfolios.read([folder], cache=False))


def test_a_copy_of_a_file_is_served_from_the_cache_under_its_own_name(folder, cache):
    portfolios.read([folder], cache=cache)
    original = sorted(folder.glob("*.json"))[0]
    portfolios.read([folder], cache=cache)
    copy = folder / "copy.json"
    shutil.copyfile(original, copy)
    again = portfolios.read([folder], cache=cache)
    assert str(copy) in again.facets["file"]
    same(again, portfolios.read([folder], cache=False))


def test_a_damaged_or_foreign_cache_file_is_passed_over_and_replaced(folder, cache):
    portfolios.read([folder], cache=cache)
    (stored,) = (cache / "portfolio").glob("records-*.msgpack")
    for damage in (b"", b"\x93not a cache", msgspec.msgpack.encode({"k": [1, 2, 3]})):
        stored.write_bytes(damage)
        again = portfolios.read([folder], cache=cache)
        assert again.cached_reads == 0
        same(again, portfolios.read([folder], cache=False))
        assert portfolios.read([folder], cache=cache).cached_reads == 12  # rewritten whole


def test_a_cache_that_cannot_be_written_costs_only_speed(folder, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache's folder would be", encoding="utf-8")
    for _ in range(2):
        reading = portfolios.read([folder], cache=blocked)
        assert reading.cached_reads == 0
        same(reading, portfolios.read([folder], cache=False))
    assert blocked.read_text(encoding="utf-8").startswith("a file")


def test_an_entry_made_with_another_version_of_a_bundled_lens_is_not_used(folder, cache):
    portfolios.read([folder], cache=cache)
    (stored,) = (cache / "portfolio").glob("records-*.msgpack")
    entries = msgspec.msgpack.decode(stored.read_bytes())
    for entry in entries.values():
        entry[1] = [[alias, "sha256:" + "0" * 64] for alias, _ in entry[1]]  # the lenses, by alias and hash
    stored.write_bytes(msgspec.msgpack.encode(entries))
    again = portfolios.read([folder], cache=cache)
    assert again.cached_reads == 0
    same(again, portfolios.read([folder], cache=False))


def test_each_kind_of_reading_has_its_own_entries(folder, cache):
    for milestone in (None, "latest", None, "latest"):
        reading = portfolios.read([folder], milestone=milestone, cache=cache)
        same(reading, portfolios.read([folder], milestone=milestone, cache=False))
    assert reading.cached_reads == len(reading)
    assert len(list((cache / "portfolio").glob("records-*.msgpack"))) == 2


def test_a_review_with_an_embedded_lens_is_read_each_time(tmp_path, cache, lens_document):
    lens = lenses.from_document(lens_document(), source="custom.json", alias="custom")
    review = Review([lens])
    question = next(iter(lens.questions()))
    review.set_choice("custom", question.id, question.choices[0].id)
    review.save(tmp_path / "custom.json")
    assert "lens" in json.loads((tmp_path / "custom.json").read_text(encoding="utf-8"))["lenses"][0]
    for _ in range(2):
        assert portfolios.read([tmp_path / "custom.json"], cache=cache).cached_reads == 0


def test_off_keeps_no_cache(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("PILLARKIT_CACHE", "off")
    assert record_cache.folder() is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    portfolios.read([folder])
    assert not (tmp_path / "xdg").exists()
    monkeypatch.delenv("PILLARKIT_CACHE")
    assert record_cache.folder() == tmp_path / "xdg" / "pillarkit"
    portfolios.read([folder])
    assert portfolios.read([folder]).cached_reads == 12


def test_only_the_most_recently_used_cache_files_are_kept(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(record_cache, "KEEP_FILES", 3)
    for index in range(5):
        one = tmp_path / f"set-{index}"
        synthetic.write_portfolio(one, 1, seed=index, durable=False)
        portfolios.read([one], cache=cache)
    assert len(list((cache / "portfolio").glob("records-*.msgpack"))) == 3
