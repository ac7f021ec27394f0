"""The lease that makes one session the writer of a review, and the writer that saves off the kernel's thread."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from pathlib import Path

from kit.app.filewriter import Job, ThreadWriter, disk_stamp
from kit.app.ownership import LEASE_TTL, Lease, lease_path
from kit.app.timing import ManualClock


def test_one_holder_at_a_time_and_a_free_lease_is_taken(tmp_path):
    clock = ManualClock()
    path = lease_path(tmp_path / "shop-1a2b3c4d.json", "1a2b3c4d")
    assert path.name == ".1a2b3c4d.lease"
    a, b = Lease(path, "a", clock), Lease(path, "b", clock)
    assert a.acquire() is None and a.held()
    holder = b.acquire()
    assert holder is not None and holder.session == "a" and not b.held()
    a.release()
    assert not path.exists() and b.acquire() is None and b.held()


def test_a_lease_without_heartbeat_is_free_and_a_refreshed_one_is_not(tmp_path):
    clock = ManualClock()
    path = tmp_path / ".x.lease"
    a, b = Lease(path, "a", clock), Lease(path, "b", clock)
    a.acquire()
    clock.advance(LEASE_TTL - 1)
    assert a.refresh() is not None
    clock.advance(LEASE_TTL - 1)
    assert b.acquire() is not None  # refreshed a moment ago: still a's
    clock.advance(2)
    assert b.acquire() is None  # a went silent for longer than the TTL
    assert a.refresh() is None and not a.held()


def test_a_lease_whose_process_is_gone_is_free(tmp_path):
    clock = ManualClock()
    path = tmp_path / ".x.lease"
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(child.stdout)
    Lease(path, "a", clock).acquire()
    data = json.loads(path.read_text())
    data["pid"] = dead_pid
    path.write_text(json.dumps(data))
    assert Lease(path, "b", clock).acquire() is None


def test_asking_then_handing_over_or_forcing(tmp_path):
    clock = ManualClock()
    path = tmp_path / ".x.lease"
    a, b = Lease(path, "a", clock), Lease(path, "b", clock)
    a.acquire()
    assert b.ask() is False
    assert a.refresh().asked_by == "b"  # the holder sees the request at its heartbeat
    assert a.hand_over() == "b"
    assert b.held() and not a.held()
    assert b.refresh() is not None and b.refresh().asked_by == ""
    a.force()
    assert a.held() and b.refresh() is None


def test_the_lock_keeps_two_processes_from_both_acquiring(tmp_path):
    path = tmp_path / ".race.lease"
    # Each process stays alive until all have tried (a holder whose process is gone is free).
    code = (
        "import sys; from pathlib import Path; from kit.app.ownership import Lease; from kit.app.timing import Clock;"
        "print('won' if Lease(Path(sys.argv[1]), sys.argv[2], Clock()).acquire() is None else 'lost', flush=True);"
        "sys.stdin.read()"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(path), f"s{n}"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for n in range(6)
    ]
    results = [run.stdout.readline().strip() for run in runs]
    for run in runs:
        run.communicate("")
    assert results.count("won") == 1, results


def test_the_thread_writer_writes_off_the_loop_in_order_and_reports_on_it(tmp_path):
    target = tmp_path / "r.json"
    seen: list[tuple[str, bool]] = []

    async def main() -> None:
        writer = ThreadWriter()
        loop_thread = threading.get_ident()
        done = asyncio.Event()

        def report(written) -> None:
            seen.append((written.job.text, threading.get_ident() == loop_thread))
            if len(seen) == 3:
                done.set()

        for n in range(3):
            writer.submit(Job(target, f'{{"n": {n}}}'), report)
        await asyncio.wait_for(done.wait(), 10)
        assert writer.drain(1) and not writer.busy

    asyncio.run(main())
    assert [text for text, _ in seen] == ['{"n": 0}', '{"n": 1}', '{"n": 2}']
    assert all(on_loop for _, on_loop in seen)
    assert json.loads(target.read_text()) == {"n": 2}


def test_the_thread_writer_reports_a_failure_and_removes_a_renamed_file(tmp_path):
    old = tmp_path / "old.json"
    old.write_text("{}")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    results = []

    async def main() -> None:
        writer = ThreadWriter()
        writer.submit(Job(tmp_path / "new.json", "{}", replaces=old), results.append)
        writer.submit(Job(blocker / "r.json", "{}"), results.append)  # its folder is a file
        while len(results) < 2:
            await asyncio.sleep(0.01)

    asyncio.run(main())
    assert results[0].error is None and results[0].stamp == disk_stamp(tmp_path / "new.json") and not old.exists()
    assert isinstance(results[1].error, OSError) and results[1].stamp is None


def test_without_a_loop_the_thread_writer_writes_at_once(tmp_path):
    results = []
    ThreadWriter().submit(Job(tmp_path / "r.json", "{}"), results.append)
    assert results and Path(tmp_path / "r.json").read_text() == "{}"


def test_a_lease_write_a_kill_interrupted_leaves_nothing_the_next_write_does_not_clean(tmp_path):
    from kit.core.jsonio import TEMP_SUFFIX

    clock = ManualClock()
    left = tmp_path / f".abc12345.lease.k2j3h4g5{TEMP_SUFFIX}"  # what a writer killed mid-write leaves
    left.write_text("{")
    lease = Lease(lease_path(tmp_path / "shop-abc12345.json", "abc12345"), "me", clock)
    assert lease.acquire() is None
    assert not left.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert (tmp_path / ".abc12345.lease").is_file()
