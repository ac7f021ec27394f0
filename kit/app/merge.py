"""Merging two versions of one review, question by question, so that no answer is dropped.

Three versions take part, each as a review file's data (``Review.to_dict``): ``base``, the
file as this session last read or wrote it; ``theirs``, the file as another writer left it;
and ``mine``, the review on this session's screen. For each question: if only one side
changed it, that side's answer is taken; if both changed it differently, the one whose answer
changed later wins (the file records when each answer last changed, ``extensions.app.answered_at``).
Workload fields, pillar priorities, timeboxes and other settings are merged the same way,
field by field, this session's version winning a tie; parked topics and milestones are the
union of both sides; time used on the agenda is the larger of the two. The risk register is
merged entry by entry and field by field (an entry's status and its acceptance date as one
value), this session's version winning a tie; an entry removed on one side and changed on the
other is kept, and entries both sides added under the same id are both kept, this session's
renumbered (with the parked questions that name it).

Pure functions on plain data: no widgets, no files.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from kit.app import settings
from kit.core.register import ID_PREFIX
from kit.core.register import KEY as REGISTER
from kit.core.review import ID_KEY as REVIEW_ID
from kit.core.roadmap import EXTENSION as HORIZONS
from kit.core.roadmap import item_key

MINE, THEIRS, SAME = "mine", "theirs", "same"


@dataclass
class Merged:
    """The merged data, and what came from where (``"<alias>/<question id>"`` per answer, or a part's name)."""

    data: dict[str, Any]
    #: Changed only in the file: taken from it.
    taken: list[str] = field(default_factory=list)
    #: Changed on both sides, this session's later change kept.
    kept: list[str] = field(default_factory=list)
    #: Changed on both sides, the file's later change taken over this session's.
    replaced: list[str] = field(default_factory=list)

    @property
    def conflicts(self) -> list[str]:
        return self.kept + self.replaced


def three_way(base: Any, theirs: Any, mine: Any, mine_wins: bool = True) -> tuple[Any, str]:
    """One value from three: (value, which side it came from or SAME); a conflict goes to ``mine_wins``."""
    if theirs == mine:
        return copy.deepcopy(mine), SAME
    if theirs == base:
        return copy.deepcopy(mine), MINE
    if mine == base:
        return copy.deepcopy(theirs), THEIRS
    return (copy.deepcopy(mine), MINE + "!") if mine_wins else (copy.deepcopy(theirs), THEIRS + "!")


def merge(base: dict[str, Any] | None, theirs: dict[str, Any], mine: dict[str, Any]) -> Merged:
    """The review with every change of both sides (see the module's docstring)."""
    base = base or {}
    out = Merged(copy.deepcopy(mine))
    data = out.data

    def note(name: str, side: str) -> None:
        if side == THEIRS:
            out.taken.append(name)
        elif side == MINE + "!":
            out.kept.append(name)
        elif side == THEIRS + "!":
            out.replaced.append(name)

    # Lenses: both sides' (a lens added on either side stays, so its answers have somewhere to live).
    aliases = [entry["alias"] for entry in data.get("lenses", [])]
    for entry in theirs.get("lenses", []):
        if entry["alias"] not in aliases:
            data["lenses"].append(copy.deepcopy(entry))
            aliases.append(entry["alias"])

    # Answers, question by question, with their roadmap horizon and the time they changed.
    times_mine = _answer_times(mine)
    times_theirs = _answer_times(theirs)
    answers: dict[str, dict[str, Any]] = {}
    horizons = _horizons(mine)
    horizons_base, horizons_theirs = _horizons(base), _horizons(theirs)
    answered: dict[str, dict[str, str]] = {}
    prefilled: dict[str, dict[str, Any]] = {}
    b_marks, t_marks, m_marks = (d.get("prefilled", {}) for d in (base, theirs, mine))
    b_answers, t_answers, m_answers = (d.get("answers", {}) for d in (base, theirs, mine))
    for alias in aliases:
        qids = sorted(set(t_answers.get(alias, {})) | set(m_answers.get(alias, {})) | set(b_answers.get(alias, {})))
        merged_questions: dict[str, Any] = {}
        for qid in qids:
            key = item_key(alias, qid)
            b = b_answers.get(alias, {}).get(qid)
            t = t_answers.get(alias, {}).get(qid)
            m = m_answers.get(alias, {}).get(qid)
            t_time, m_time = times_theirs.get((alias, qid), ""), times_mine.get((alias, qid), "")
            value, side = three_way(b, t, m, mine_wins=m_time >= t_time)
            note(key, side)
            if value is not None:
                merged_questions[qid] = value
            winner = t_time if side.startswith(THEIRS) else m_time
            if side == SAME:
                winner = max(t_time, m_time)
            if winner:
                answered.setdefault(alias, {})[qid] = winner
            # The horizon follows the answer that won; unchanged on both sides, it is kept as is.
            h_value, h_side = three_way(
                horizons_base.get(key),
                horizons_theirs.get(key),
                horizons.get(key),
                mine_wins=not side.startswith(THEIRS),
            )
            if h_value is None:
                horizons.pop(key, None)
            else:
                horizons[key] = h_value
            if side in (SAME, MINE) and h_side == THEIRS:
                note(f"{key} horizon", h_side)
            # A pre-filled mark (awaiting the team's confirmation) follows its answer too.
            p_value, _ = three_way(
                b_marks.get(alias, {}).get(qid),
                t_marks.get(alias, {}).get(qid),
                m_marks.get(alias, {}).get(qid),
                mine_wins=not side.startswith(THEIRS),
            )
            if p_value is not None:
                prefilled.setdefault(alias, {})[qid] = p_value
        answers[alias] = merged_questions
    data["answers"] = answers
    if prefilled:
        data["prefilled"] = prefilled
    else:
        data.pop("prefilled", None)
    value, side = three_way(base.get("sync"), theirs.get("sync"), mine.get("sync"))
    if value:
        data["sync"] = value
    else:
        data.pop("sync", None)
    note("WA Tool sync", side)

    # The workload, field by field.
    workload: dict[str, Any] = {}
    b_work, t_work, m_work = (d.get("workload", {}) for d in (base, theirs, mine))
    for name in list(m_work) + [n for n in t_work if n not in m_work]:
        value, side = three_way(b_work.get(name), t_work.get(name), m_work.get(name))
        note(f"workload {name}", side)
        if value is not None:
            workload[name] = value
    data["workload"] = workload

    value, side = three_way(
        base.get("pillar_priorities"), theirs.get("pillar_priorities"), mine.get("pillar_priorities")
    )
    data["pillar_priorities"] = value or []
    note("pillar priorities", side)

    entries, renamed = _merge_register(base.get(REGISTER, []), theirs.get(REGISTER, []), mine.get(REGISTER, []), note)
    if entries:
        data[REGISTER] = entries
    else:
        data.pop(REGISTER, None)
    my_parking = mine.get("parking_lot", [])
    if renamed:
        # This session's own new parked questions follow their entry to its new id.
        known = {_identity(item) for item in (*base.get("parking_lot", []), *theirs.get("parking_lot", []))}
        my_parking = [
            {**item, "risk": renamed[item["risk"]]}
            if _identity(item) not in known and item.get("risk") in renamed
            else item
            for item in my_parking
        ]
    data["parking_lot"] = _merge_parking(base.get("parking_lot", []), theirs.get("parking_lot", []), my_parking, note)
    data["milestones"] = _union(
        theirs.get("milestones", []), mine.get("milestones", []), ("name", "date"), note, "milestone"
    )

    # Extensions: the app's own state, the agenda, the horizons (above), and anything else by key.
    extensions: dict[str, Any] = copy.deepcopy(mine.get("extensions", {}))
    b_ext, t_ext = base.get("extensions", {}), theirs.get("extensions", {})
    for key in set(t_ext) | set(extensions):
        if key in (settings.APP, settings.AGENDA, HORIZONS):
            continue
        if key == REVIEW_ID and extensions.get(key):
            continue  # the review's identity is this session's, never a change to take or report
        value, side = three_way(b_ext.get(key), t_ext.get(key), extensions.get(key))
        note(f"extensions {key}", side)
        if value is None:
            extensions.pop(key, None)
        else:
            extensions[key] = value
    if horizons:
        extensions[HORIZONS] = horizons
    else:
        extensions.pop(HORIZONS, None)
    extensions[settings.AGENDA] = _merge_agenda(
        b_ext.get(settings.AGENDA) or {}, t_ext.get(settings.AGENDA) or {}, extensions.get(settings.AGENDA) or {}
    )
    app = extensions.setdefault(settings.APP, {})
    their_app = settings.app_state(theirs)
    if their_app.get(settings.LINEAGE):
        app[settings.LINEAGE] = their_app[settings.LINEAGE]
    app[settings.REVISION] = max(settings.revision(theirs), settings.revision(mine))
    app[settings.ANSWERED_AT] = answered
    data["extensions"] = extensions
    return out


def _answer_times(data: dict[str, Any]) -> dict[tuple[str, str], str]:
    answered = settings.app_state(data).get(settings.ANSWERED_AT)
    found: dict[tuple[str, str], str] = {}
    if isinstance(answered, dict):
        for alias, questions in answered.items():
            if isinstance(questions, dict):
                for qid, moment in questions.items():
                    parsed = settings.parse_stamp(moment)
                    if parsed is not None:
                        found[(alias, qid)] = settings.stamp(parsed)
    return found


def _horizons(data: dict[str, Any]) -> dict[str, Any]:
    moves = data.get("extensions", {}).get(HORIZONS)
    return copy.deepcopy(moves) if isinstance(moves, dict) else {}


def _identity(item: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(item.get(k) for k in ("text", "owner", "lens", "question_id", "created"))


def _merge_parking(base: list[Any], theirs: list[Any], mine: list[Any], note: Any) -> list[Any]:
    """Every parked topic of both sides, theirs first; a topic's "done" merged like any value."""
    by_base = {_identity(item): item for item in base}
    by_mine = {_identity(item): item for item in mine}
    merged = []
    seen = set()
    for item in theirs:
        key = _identity(item)
        seen.add(key)
        if key in by_mine:
            done, side = three_way(by_base.get(key, {}).get("done"), item.get("done"), by_mine[key].get("done"))
            if side == THEIRS:
                note(f"parked topic {item.get('text', '')!r}", side)
            merged.append({**copy.deepcopy(by_mine[key]), "done": done})
        elif key in by_base:
            merged.append(copy.deepcopy(item))  # removed here? topics are never removed: keep it
        else:
            note(f"parked topic {item.get('text', '')!r}", THEIRS)
            merged.append(copy.deepcopy(item))
    merged += [copy.deepcopy(item) for item in mine if _identity(item) not in seen]
    return merged


def _union(theirs: list[Any], mine: list[Any], keys: tuple[str, ...], note: Any, what: str) -> list[Any]:
    seen = {tuple(item.get(k) for k in keys) for item in mine}
    extra = [copy.deepcopy(item) for item in theirs if tuple(item.get(k) for k in keys) not in seen]
    for item in extra:
        note(f"{what} {item.get(keys[0], '')!r}", THEIRS)
    return copy.deepcopy(mine) + extra


def _merge_agenda(base: dict[str, Any], theirs: dict[str, Any], mine: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(mine)
    boxes: dict[str, Any] = {}
    b_boxes, t_boxes, m_boxes = (d.get("timeboxes") or {} for d in (base, theirs, mine))
    for key in list(m_boxes) + [k for k in t_boxes if k not in m_boxes]:
        value, _side = three_way(b_boxes.get(key), t_boxes.get(key), m_boxes.get(key))
        if value is not None:
            boxes[key] = value
    merged["timeboxes"] = boxes
    used = dict(theirs.get("used") or {})
    for key, seconds in (mine.get("used") or {}).items():
        used[key] = max(seconds, used.get(key, 0))
    merged["used"] = used
    for key in set(theirs) - {"timeboxes", "used"} - set(merged):
        merged[key] = copy.deepcopy(theirs[key])
    return merged


# --- the risk register ------------------------------------------------------------------------

#: Fields of a register entry merged as one value: a status and its acceptance date go together.
_REGISTER_UNITS: tuple[tuple[str, ...], ...] = (("status", "accepted_until"),)


def _merge_entry(base: dict[str, Any], theirs: dict[str, Any], mine: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """One entry both sides kept, field by field (this session's version winning a tie); the sides it took from."""
    merged = copy.deepcopy(mine)
    sides: set[str] = set()
    names = list(mine) + [n for n in theirs if n not in mine]
    joined = {name for unit in _REGISTER_UNITS for name in unit}
    units = [(n,) for n in names if n not in joined and n != "id"] + list(_REGISTER_UNITS)
    for unit in units:
        value, side = three_way([base.get(n) for n in unit], [theirs.get(n) for n in unit], [mine.get(n) for n in unit])
        sides.add(side)
        for name, part in zip(unit, value, strict=True):
            if part is None and name not in mine and name not in theirs:
                continue
            merged[name] = part
    return merged, sides


def _merge_register(base: list[Any], theirs: list[Any], mine: list[Any], note: Any) -> tuple[list[Any], dict[str, str]]:
    """Every entry of both sides: ``(entries, renamed)``, ``renamed`` mapping ids of this session's entries that changed.

    An entry both sides kept is merged field by field. One removed on one side stays removed
    unless the other side changed it (an edit outweighs a removal, so no work is lost). Entries
    both sides added under the same id (each window numbered its new entry R<n>) are both kept:
    the file's keeps the id, this session's gets the next free one.
    """
    by_base = {e["id"]: e for e in base}
    by_theirs = {e["id"]: e for e in theirs}
    numbers = [
        int(e["id"][len(ID_PREFIX) :])
        for e in (*base, *theirs, *mine)
        if e["id"].startswith(ID_PREFIX) and e["id"][len(ID_PREFIX) :].isdigit()
    ]
    top = max(numbers, default=0)
    renamed: dict[str, str] = {}
    merged: list[Any] = []
    moved: list[Any] = []
    for entry in mine:
        key = entry["id"]
        b, t = by_base.get(key), by_theirs.get(key)
        if t is None:
            if b is None or entry != b:
                merged.append(copy.deepcopy(entry))  # added here, or changed here after the other side removed it
                if b is not None:
                    note(f"risk {key}", MINE + "!")
            else:
                note(f"risk {key} (removed)", THEIRS)
            continue
        if b is None and t != entry:
            top += 1
            renamed[key] = f"{ID_PREFIX}{top}"
            moved.append({**copy.deepcopy(entry), "id": renamed[key]})
            merged.append(copy.deepcopy(t))
            note(f"risk {key} (this window's new {key} is now {renamed[key]})", THEIRS)
            continue
        value, sides = _merge_entry(b or t, t, entry)
        merged.append(value)
        for side in (THEIRS, MINE + "!", THEIRS + "!"):
            if side in sides:
                note(f"risk {key}", side)
                break
    mine_ids = {e["id"] for e in mine}
    for entry in theirs:
        key = entry["id"]
        if key in mine_ids:
            continue
        b = by_base.get(key)
        if b is None or entry != b:
            merged.append(copy.deepcopy(entry))  # added there, or changed there after this side removed it
            note(f"risk {key}", THEIRS)
    return merged + moved, renamed
