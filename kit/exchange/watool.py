"""Two-way sync with the AWS Well-Architected Tool (boto3, the optional extra ``pillarkit[aws]``).

Partners must record reviews in the WA Tool, so a review run here is pushed there, and one
recorded there can be pulled here. The functions take a boto3 ``wellarchitected`` client, so
scripts and notebooks use them as the command does:

- :func:`plan_push` lists, without calling anything, every call a push would make
  (``pillarkit aws push --dry-run`` prints it, one JSON object a line);
- :func:`push` makes them: the workload (``CreateWorkload`` or ``UpdateWorkload``), the lenses
  (a custom lens is imported, polled until available, published and associated), one
  ``UpdateAnswer`` per answer, and ``CreateMilestone`` if asked;
- :func:`pull` reads a workload into a new review: ``ListAnswers`` page by page (at most 50
  answers a page), ``GetAnswer`` for each question (summaries carry no notes), milestones;
- :func:`merge_pulled` brings a pulled review into an existing one.

**No silent overwrite.** The review file keeps, per workload, the answers as they were at the
last sync (``review.sync["aws"][workload id]``). A push reads each answer it is about to write
and a pull compares each answer it brings, three ways: a side that did not change since the
snapshot yields to the side that did; when both changed differently the question is a
conflict, and nothing is written for it until ``prefer`` says which side wins.

The WA Tool's own risk for each question is kept in the snapshot beside ours, and
:func:`risk_disagreements` lists where they differ: the console's scoring of its official lens
is not published, while ours follows the lens's rules (DESIGN.md section 4).

Creates carry a ``ClientRequestToken`` derived from the request itself, so a retried run never
makes a second workload, lens or milestone; throttling is retried by botocore's adaptive mode
(:func:`client`). When a call fails part way, :class:`SyncError` says which questions were
written, and the snapshot already records them.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from kit.core import lens as lenses
from kit.core.errors import Diagnostic, LensError, SyncError
from kit.core.review import Answer, ChoiceAnswer, Milestone, Review, Workload
from kit.core.scoring import score
from kit.core.vocabulary import REASONS, ChoiceStatus

SERVICE = "wellarchitected"
#: ListAnswers, ListWorkloads and ListMilestones return at most this many items a page.
PAGE_SIZE = 50
#: Bundled lenses whose ids are the WA Tool's own, by our alias -> the WA Tool's lens alias.
#: Every other lens (the bundled Serverless bank has ids of our own) goes as a custom lens.
OFFICIAL = {"wellarchitected": "wellarchitected"}
#: Stand-ins a dry run prints for values only a real run learns.
CREATED_WORKLOAD = "<WorkloadId from CreateWorkload>"
IMPORTED_LENS = "<LensArn from ImportLens of {alias}>"
#: How long a custom lens import may take before the push gives up, and the pause between polls.
IMPORT_TIMEOUT_SECONDS = 120.0
IMPORT_POLL_SECONDS = 2.0
#: Version label given to a custom lens when it is published.
LENS_VERSION = "1.0"
#: The retry policy: botocore's adaptive mode slows down on throttling and retries.
RETRIES = {"mode": "adaptive", "max_attempts": 10}

LOCAL = "local"
REMOTE = "remote"
PREFER = (LOCAL, REMOTE)


# --- calls ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One WA Tool API call: the operation's name and its parameters, as boto3 takes them."""

    operation: str
    params: dict

    def to_dict(self) -> dict:
        return {"operation": self.operation, "params": self.params}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def _snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


def request_token(operation: str, params: dict) -> str:
    """An idempotency token that depends only on the request, so a retried run repeats it."""
    canonical = json.dumps([operation, params], sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return "pillarkit-" + hashlib.sha256(canonical.encode("ascii")).hexdigest()[:48]


def _with_token(operation: str, params: dict) -> Call:
    return Call(operation, params | {"ClientRequestToken": request_token(operation, params)})


def client(region: str | None = None, profile: str | None = None):
    """A boto3 ``wellarchitected`` client with adaptive retries, or :class:`SyncError` saying what is missing."""
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError
    except ImportError:
        raise SyncError.at("pillarkit aws", "", "needs boto3: pip install 'pillarkit[aws]'") from None
    try:
        session = boto3.Session(profile_name=profile, region_name=region)
        return session.client(SERVICE, config=Config(retries=dict(RETRIES)))
    except BotoCoreError as exc:
        raise SyncError.at("pillarkit aws", "", str(exc)) from None


def _call(wa, call: Call, context: str) -> dict:
    """Make one call; any failure becomes :class:`SyncError` naming the operation."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return getattr(wa, _snake(call.operation))(**call.params)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise SyncError.at(
            "WA Tool", context, f"{call.operation} failed: {error.get('Code', 'error')}: {error.get('Message', exc)}"
        ) from None
    except BotoCoreError as exc:
        raise SyncError.at("WA Tool", context, f"{call.operation} failed: {exc}") from None


def _pages(wa, operation: str, params: dict, items: str, context: str) -> Iterator[dict]:
    """Every item of a paged list, following NextToken to the end."""
    token = None
    while True:
        page_params = params | {"MaxResults": PAGE_SIZE} | ({"NextToken": token} if token else {})
        page = _call(wa, Call(operation, page_params), context)
        yield from page.get(items, [])
        token = page.get("NextToken")
        if not token:
            return


# --- answers in one comparable shape ------------------------------------------------------


def _answer_from_wa(data: dict) -> Answer:
    """An answer as the WA Tool returns it (GetAnswer, UpdateAnswer), in the review's shape."""
    applicable = data.get("IsApplicable", True) is not False
    reason = data.get("Reason")
    answer = Answer(
        is_applicable=applicable,
        reason=reason if not applicable and reason in REASONS else None,
        notes=data.get("Notes") or "",
    )
    selected = set(data.get("SelectedChoices") or [])
    for entry in data.get("ChoiceAnswers") or data.get("ChoiceAnswerSummaries") or []:
        status = entry.get("Status", ChoiceStatus.UNSELECTED)
        if entry.get("ChoiceId") in selected:
            status = ChoiceStatus.SELECTED
        choice = ChoiceAnswer(
            status, entry.get("Reason") if status == ChoiceStatus.NOT_APPLICABLE else None, entry.get("Notes") or ""
        )
        if not choice.is_blank():
            answer.choices[entry["ChoiceId"]] = choice
    for cid in selected:
        answer.choices.setdefault(cid, ChoiceAnswer(ChoiceStatus.SELECTED))
    return answer


def canonical(answer: Answer | dict | None) -> dict:
    """An answer in one comparable form (API shape, sorted, blank entries dropped); None is unanswered."""
    if answer is None:
        answer = Answer()
    elif isinstance(answer, dict):
        answer = Answer.from_api(answer, "snapshot", [])
    data = answer.to_api()
    data["SelectedChoices"] = sorted(data["SelectedChoices"])
    data["ChoiceAnswers"] = sorted(data["ChoiceAnswers"], key=lambda entry: entry["ChoiceId"])
    if data["IsApplicable"]:
        data.pop("Reason", None)
    return data


def _is_blank(data: dict) -> bool:
    return data == canonical(None)


# --- the snapshot -------------------------------------------------------------------------


def snapshot(review: Review, workload_id: str) -> dict:
    """The record of the last sync with a workload (an empty one if there was none)."""
    return review.sync.get("aws", {}).get(workload_id) or {"synced": "", "answers": {}}


def _store(review: Review, workload_id: str, record: dict) -> None:
    record["synced"] = _now()
    review.sync.setdefault("aws", {})[workload_id] = record


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _base(record: dict, alias: str, qid: str) -> dict:
    stored = record.get("answers", {}).get(alias, {}).get(qid)
    return canonical(stored) if stored is not None else canonical(None)


def _merge(local: dict, base: dict, remote: dict) -> str | None:
    """Which side a three-way merge keeps: LOCAL, REMOTE, None when both agree, or "conflict"."""
    if local == remote:
        return None
    if remote == base:
        return LOCAL
    if local == base:
        return REMOTE
    return "conflict"


@dataclass
class Conflict:
    """A question changed on both sides since the last sync, differently."""

    alias: str
    question_id: str
    local: dict
    remote: dict

    def __str__(self) -> str:
        return (
            f"{self.alias}/{self.question_id}: changed here ({_summary(self.local)}) and in the WA Tool "
            f"({_summary(self.remote)}) since the last sync"
        )


def _summary(data: dict) -> str:
    if not data.get("IsApplicable", True):
        return "not applicable"
    picked = len(data.get("SelectedChoices", []))
    aside = sum(1 for entry in data.get("ChoiceAnswers", []) if entry["Status"] == ChoiceStatus.NOT_APPLICABLE)
    parts = [f"{picked} selected"] + ([f"{aside} not applicable"] if aside else [])
    if data.get("Notes"):
        parts.append("notes")
    return ", ".join(parts) if picked or aside or data.get("Notes") else "unanswered"


# --- lenses ---------------------------------------------------------------------------


def wa_lens(review: Review, alias: str, record: dict) -> str | None:
    """The WA Tool's name for one of the review's lenses: an official alias, a known custom lens ARN, or None."""
    if alias in OFFICIAL and review.lenses[alias].bundled:
        return OFFICIAL[alias]
    return record.get("lenses", {}).get(alias)


def _lens_json(lens: lenses.Lens) -> str:
    return json.dumps(lenses.without_extensions(lens.document), ensure_ascii=False)


def _check_importable(review: Review) -> None:
    problems: list[Diagnostic] = []
    for alias, lens in review.lenses.items():
        if alias in OFFICIAL and lens.bundled:
            continue
        problems += lens.import_blockers
    if problems:
        raise SyncError(
            [Diagnostic(review.source, "lenses", "a lens cannot be imported into the WA Tool as it is")] + problems
        )


# --- push -------------------------------------------------------------------------------


def _workload_params(review: Review, creating: bool) -> dict:
    workload = review.workload
    problems = []
    params: dict = {}
    if not 3 <= len(workload.name.strip()) <= 100:
        problems.append(("workload.name", "the WA Tool needs a workload name of 3 to 100 characters"))
    params["WorkloadName"] = workload.name.strip()
    if workload.description.strip() or creating:
        if not 3 <= len(workload.description.strip()) <= 250:
            problems.append(("workload.description", "the WA Tool needs a workload description of 3 to 250 characters"))
        params["Description"] = workload.description.strip()
    params["Environment"] = workload.environment
    if workload.regions:
        params["AwsRegions"] = list(workload.regions)
    if workload.owner.strip():
        if not 3 <= len(workload.owner.strip()) <= 255:
            problems.append(("workload.owner", "the WA Tool needs a review owner of 3 to 255 characters"))
        params["ReviewOwner"] = workload.owner.strip()
    if workload.industry.strip():
        params["IndustryType"] = workload.industry.strip()[:100]
    if workload.notes:
        if len(workload.notes) > 2084:
            problems.append(("workload.notes", "the WA Tool takes workload notes of at most 2084 characters"))
        params["Notes"] = workload.notes
    if review.pillar_priorities:
        params["PillarPriorities"] = list(review.pillar_priorities)
    if problems:
        raise SyncError([Diagnostic(review.source, where, message) for where, message in problems])
    return params


def update_answer(workload_id: str, lens_alias: str, qid: str, answer: Answer | None, known: dict) -> Call:
    """The UpdateAnswer that makes the WA Tool hold ``answer``, given what it is known to hold (``known``)."""
    answer = answer or Answer()
    updates: dict[str, dict] = {}
    for cid, choice in answer.choices.items():
        if choice.status == ChoiceStatus.NOT_APPLICABLE or choice.notes:
            entry: dict = {"Status": choice.status}
            if choice.status == ChoiceStatus.NOT_APPLICABLE and choice.reason:
                entry["Reason"] = choice.reason
            if choice.notes:
                entry["Notes"] = choice.notes
            updates[cid] = entry
    for entry in known.get("ChoiceAnswers", []):
        cid = entry["ChoiceId"]
        if cid not in updates and (entry["Status"] == ChoiceStatus.NOT_APPLICABLE or entry.get("Notes")):
            updates[cid] = {"Status": answer.status(cid), "Notes": ""}  # undo what is no longer so
    params: dict = {
        "WorkloadId": workload_id,
        "LensAlias": lens_alias,
        "QuestionId": qid,
        "SelectedChoices": answer.selected,
        "ChoiceUpdates": updates,
        "Notes": answer.notes,
        "IsApplicable": answer.is_applicable,
    }
    if not answer.is_applicable and answer.reason:
        params["Reason"] = answer.reason
    return Call("UpdateAnswer", params)


def _questions_to_write(review: Review, record: dict) -> Iterator[tuple[str, str, str | None]]:
    """(alias, question id, WA lens) for every answered question, and every one the last sync saw answered."""
    for alias, lens in review.lenses.items():
        synced = record.get("answers", {}).get(alias, {})
        for question in lens.questions():
            if question.id in review.answers[alias] or question.id in synced:
                yield alias, question.id, wa_lens(review, alias, record)


def _lens_calls(review: Review, record: dict, workload_id: str | None) -> list[Call]:
    calls = []
    for alias, lens in review.lenses.items():
        if wa_lens(review, alias, record) is not None:
            continue
        document = _lens_json(lens)
        calls.append(_with_token("ImportLens", {"JSONString": document}))
        arn = IMPORTED_LENS.format(alias=alias)
        calls.append(Call("GetLens", {"LensAlias": arn}))
        calls.append(
            _with_token("CreateLensVersion", {"LensAlias": arn, "LensVersion": LENS_VERSION, "IsMajorVersion": True})
        )
    return calls


def plan_push(review: Review, workload_id: str | None, milestone: str | None = None) -> list[Call]:
    """Every call a push would make, in order, without making any (``workload_id`` None: create the workload).

    For an existing workload each ``UpdateAnswer`` is preceded by the ``GetAnswer`` the merge
    reads; a real run skips the ``UpdateAnswer`` where the WA Tool already holds that answer
    or where the merge keeps the WA Tool's side, and fills in the ids a run learns (the
    created workload's, an imported lens's ARN) where the plan shows a stand-in.
    """
    _check_importable(review)
    record = snapshot(review, workload_id) if workload_id else {"answers": {}}
    calls = _lens_calls(review, record, workload_id)
    lens_names = [wa_lens(review, alias, record) or IMPORTED_LENS.format(alias=alias) for alias in review.lenses]
    if workload_id is None:
        calls.append(_with_token("CreateWorkload", _workload_params(review, True) | {"Lenses": lens_names}))
        target = CREATED_WORKLOAD
    else:
        calls.append(Call("UpdateWorkload", {"WorkloadId": workload_id} | _workload_params(review, False)))
        calls.append(Call("AssociateLenses", {"WorkloadId": workload_id, "LensAliases": lens_names}))
        target = workload_id
    for alias, qid, _ in _questions_to_write(review, record):
        lens_alias = wa_lens(review, alias, record) or IMPORTED_LENS.format(alias=alias)
        if workload_id is not None:
            calls.append(Call("GetAnswer", {"WorkloadId": target, "LensAlias": lens_alias, "QuestionId": qid}))
        known = _base(record, alias, qid)
        calls.append(update_answer(target, lens_alias, qid, review.answers[alias].get(qid), known))
    if milestone:
        calls.append(_milestone_call(target, milestone))
    return calls


def _milestone_call(workload_id: str, name: str) -> Call:
    if not 3 <= len(name) <= 100:
        raise SyncError.at("pillarkit aws", "--milestone", "the WA Tool needs a milestone name of 3 to 100 characters")
    return _with_token("CreateMilestone", {"WorkloadId": workload_id, "MilestoneName": name})


@dataclass
class PushResult:
    workload_id: str
    written: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    kept_remote: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    milestone: int | None = None
    created: bool = False


def _import_lens(wa, review: Review, alias: str, record: dict, sleep: Callable[[float], None]) -> str:
    lens = review.lenses[alias]
    where = f"lenses.{alias}"
    response = _call(wa, _with_token("ImportLens", {"JSONString": _lens_json(lens)}), where)
    arn = response["LensArn"]
    if response.get("Status") == "ERROR":
        raise SyncError.at("WA Tool", where, f"ImportLens of {alias!r} ended in ERROR")
    from botocore.exceptions import ClientError

    waited = 0.0
    while True:  # the import runs in the background: poll until the lens is there
        try:
            wa.get_lens(LensAlias=arn)
            break
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise SyncError.at("WA Tool", where, f"GetLens failed: {exc}") from None
        if waited >= IMPORT_TIMEOUT_SECONDS:
            raise SyncError.at("WA Tool", where, f"the import of {alias!r} was not available after {waited:.0f} s")
        sleep(IMPORT_POLL_SECONDS)
        waited += IMPORT_POLL_SECONDS
    publish = {"LensAlias": arn, "LensVersion": LENS_VERSION, "IsMajorVersion": True}
    _call(wa, _with_token("CreateLensVersion", publish), where)
    record.setdefault("lenses", {})[alias] = arn
    return arn


def push(
    wa,
    review: Review,
    workload_id: str | None,
    prefer: str | None = None,
    milestone: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> PushResult:
    """Push the review to a workload (``None``: create one), merging three ways with the last sync.

    Changes ``review``: its snapshot records every answer written (also when a later call
    fails, so a retried push knows), and with ``prefer="remote"`` a conflicting question takes
    the WA Tool's answer. Raises :class:`SyncError` when a call fails, saying which questions
    were written before it.
    """
    if prefer not in (None, *PREFER):
        raise SyncError.at("pillarkit aws", "--prefer", f"must be {LOCAL} or {REMOTE}")
    _check_importable(review)
    record = copy.deepcopy(snapshot(review, workload_id)) if workload_id else {"answers": {}}
    result = PushResult(workload_id or "")
    for alias in review.lenses:
        if wa_lens(review, alias, record) is None:
            _import_lens(wa, review, alias, record, sleep)
    lens_names = [wa_lens(review, alias, record) for alias in review.lenses]
    if workload_id is None:
        params = _workload_params(review, True) | {"Lenses": lens_names}
        created = _call(wa, _with_token("CreateWorkload", params), "workload")
        workload_id = result.workload_id = created["WorkloadId"]
        result.created = True
    else:
        _call(wa, Call("UpdateWorkload", {"WorkloadId": workload_id} | _workload_params(review, False)), "workload")
        _call(wa, Call("AssociateLenses", {"WorkloadId": workload_id, "LensAliases": lens_names}), "lenses")
    region = getattr(getattr(wa, "meta", None), "region_name", None)
    record["region"] = region
    _store(review, workload_id, record)  # the workload id is recorded before any answer is written
    try:
        for alias, qid, lens_alias in _questions_to_write(review, record):
            lens_alias = wa_lens(review, alias, record)
            assert lens_alias is not None
            local = canonical(review.answers[alias].get(qid))
            base = _base(record, alias, qid)
            if result.created:
                remote, remote_risk = canonical(None), None
            else:
                got = _call(
                    wa,
                    Call("GetAnswer", {"WorkloadId": workload_id, "LensAlias": lens_alias, "QuestionId": qid}),
                    f"answers.{alias}.{qid}",
                )
                remote = canonical(_answer_from_wa(got.get("Answer", {})))
                remote_risk = got.get("Answer", {}).get("Risk")
            side = _merge(local, base, remote)
            if side == "conflict":
                if prefer is None:
                    result.conflicts.append(Conflict(alias, qid, local, remote))
                    continue
                side = LOCAL if prefer == LOCAL else REMOTE
            if side is None:
                _remember(record, alias, qid, remote, remote_risk)
                result.unchanged.append((alias, qid))
                continue
            if side == REMOTE:
                _take_remote(review, alias, qid, remote)
                _remember(record, alias, qid, remote, remote_risk)
                result.kept_remote.append((alias, qid))
                continue
            call = update_answer(workload_id, lens_alias, qid, review.answers[alias].get(qid), remote)
            written = _call(wa, call, f"answers.{alias}.{qid}").get("Answer") or {}
            _remember(record, alias, qid, local, written.get("Risk"))
            result.written.append((alias, qid))
            _store(review, workload_id, record)
        if milestone:
            done = _call(wa, _milestone_call(workload_id, milestone), "milestone")
            result.milestone = done.get("MilestoneNumber")
    except SyncError as exc:
        _store(review, workload_id, record)
        written = ", ".join(f"{a}/{q}" for a, q in result.written) or "none"
        raise SyncError(
            exc.diagnostics
            + [
                Diagnostic(
                    "WA Tool",
                    f"workload {workload_id}",
                    f"stopped after writing {len(result.written)} questions ({written}); "
                    "the review's sync record has them, so running the push again carries on",
                )
            ]
        ) from None
    _store(review, workload_id, record)
    return result


def _remember(record: dict, alias: str, qid: str, answer: dict, risk: str | None) -> None:
    answers = record.setdefault("answers", {}).setdefault(alias, {})
    if _is_blank(answer):
        answers.pop(qid, None)
    else:
        answers[qid] = answer
    if risk:
        record.setdefault("risks", {}).setdefault(alias, {})[qid] = risk


def _take_remote(review: Review, alias: str, qid: str, remote: dict) -> None:
    if _is_blank(remote):
        review.answers[alias].pop(qid, None)
    else:
        review.answers[alias][qid] = Answer.from_api(remote, "WA Tool", [alias, qid])
    review.confirm(alias, qid)


# --- pull -------------------------------------------------------------------------------


def _alias_for(name: str, taken: Iterable[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-").lower() or "custom-lens"
    alias, n = base, 2
    while alias in taken:
        alias, n = f"{base}-{n}", n + 1
    return alias


def _read_answers(
    wa, workload_id: str, lens_alias: str, milestone: int | None, context: str, notes: bool = True
) -> tuple[dict, dict]:
    """(answers in API shape, WA Tool risks) by question id, for one lens of a workload.

    ``notes`` False reads the summaries alone: the choices, statuses, reasons and risks they carry
    are everything but the notes, and a question costs no ``GetAnswer`` call of its own.
    """
    params: dict = {"WorkloadId": workload_id, "LensAlias": lens_alias}
    if milestone is not None:
        params["MilestoneNumber"] = milestone
    answers, risks = {}, {}
    for summary in list(_pages(wa, "ListAnswers", params, "AnswerSummaries", context)):
        qid = summary["QuestionId"]
        if not notes:
            got = summary
        else:
            got = _call(wa, Call("GetAnswer", params | {"QuestionId": qid}), f"{context}.{qid}").get("Answer", {})
        answer = canonical(_answer_from_wa(got))
        if not _is_blank(answer):
            answers[qid] = answer
        risks[qid] = got.get("Risk") or summary.get("Risk") or "UNANSWERED"
    return answers, risks


def pull(
    wa,
    workload_id: str,
    milestone: int | None = None,
    known_lenses: dict[str, str] | None = None,
    *,
    notes: bool = True,
) -> Review:
    """A new review holding a workload's answers (as of ``milestone`` if given), its milestones and sync record.

    ``known_lenses`` maps our alias -> a custom lens ARN, so a custom lens keeps the alias it
    had; an official lens other than the Framework cannot be exported and is left out (the
    review's ``notices`` say so). ``notes`` False leaves the answers' notes behind and reads
    each lens in a page or two of ``ListAnswers`` instead of a ``GetAnswer`` per question (what
    the portfolio needs: it never reads notes).
    """
    workload = _call(wa, Call("GetWorkload", {"WorkloadId": workload_id}), "workload").get("Workload", {})
    by_arn = {arn: alias for alias, arn in (known_lenses or {}).items()}
    official = {wa_alias: alias for alias, wa_alias in OFFICIAL.items()}
    applied: list[lenses.Lens] = []
    mapping: dict[str, str] = {}  # our alias -> WA lens
    notices = []
    for wa_alias in workload.get("Lenses", []):
        if wa_alias in official:
            applied.append(lenses.bundled(official[wa_alias]))
            mapping[official[wa_alias]] = wa_alias
        elif wa_alias.startswith("arn:"):
            exported = _call(wa, Call("ExportLens", {"LensAlias": wa_alias}), f"lenses.{wa_alias}")
            document = json.loads(exported["LensJSON"])
            alias = by_arn.get(wa_alias) or _alias_for(document.get("name", "custom lens"), mapping)
            try:
                applied.append(lenses.from_document(document, source=f"WA Tool lens {wa_alias}", alias=alias))
            except LensError as exc:
                raise SyncError(exc.diagnostics) from None
            mapping[alias] = wa_alias
        else:
            notices.append(
                Diagnostic(
                    f"workload {workload_id}",
                    f"lenses.{wa_alias}",
                    f"the official lens {wa_alias!r} has no bank in pillarkit; its answers were not pulled",
                    "lens-skipped",
                )
            )
    if not applied:
        raise SyncError.at(f"workload {workload_id}", "lenses", "no lens of this workload can be read into pillarkit")
    review = Review(
        applied,
        Workload(
            name=workload.get("WorkloadName", ""),
            description=workload.get("Description", ""),
            environment=workload.get("Environment", "PRODUCTION"),
            owner=workload.get("ReviewOwner", ""),
            regions=list(workload.get("AwsRegions", [])),
            industry=workload.get("IndustryType") or workload.get("Industry") or "",
            notes=workload.get("Notes", ""),
        ),
    )
    review.source = f"WA Tool workload {workload_id}"
    review.notices = notices
    review.pillar_priorities = list(workload.get("PillarPriorities", []))
    record: dict = {
        "region": getattr(getattr(wa, "meta", None), "region_name", None),
        "lenses": {},
        "answers": {},
        "risks": {},
    }
    for alias, wa_alias in mapping.items():
        if wa_alias.startswith("arn:"):
            record["lenses"][alias] = wa_alias
        answers, risks = _read_answers(wa, workload_id, wa_alias, milestone, f"answers.{alias}", notes)
        lens = review.lenses[alias]
        for qid, data in answers.items():
            review.answers[alias][qid] = Answer.from_api(data, review.source, ["answers", alias, qid])
            if not lens.has_question(qid):
                notices.append(
                    Diagnostic(
                        review.source, f"answers.{alias}.{qid}", "a question the lens does not have; kept", "orphan"
                    )
                )
        record["answers"][alias] = answers
        record["risks"][alias] = risks
    summaries = list(_pages(wa, "ListMilestones", {"WorkloadId": workload_id}, "MilestoneSummaries", "milestones"))
    for summary in sorted(summaries, key=lambda s: s["MilestoneNumber"]):
        number = summary["MilestoneNumber"]
        if milestone is not None and number > milestone:
            continue
        answers_then = {}
        for alias, wa_alias in mapping.items():
            answers_then[alias], _ = _read_answers(
                wa, workload_id, wa_alias, number, f"milestones.{number}.{alias}", notes
            )
        recorded = summary.get("RecordedAt")
        date = recorded.isoformat() if isinstance(recorded, dt.datetime) else str(recorded or "")
        review.milestones.append(Milestone(summary.get("MilestoneName", f"Milestone {number}"), date, answers_then))
    _store(review, workload_id, record)
    return review


@dataclass
class MergeResult:
    taken: list[tuple[str, str]] = field(default_factory=list)
    kept_local: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    milestones: int = 0


def merge_pulled(local: Review, pulled: Review, workload_id: str, prefer: str | None = None) -> MergeResult:
    """Bring a pulled review into ``local``, three ways against ``local``'s last sync with the workload.

    A question changed only in the WA Tool is taken; one changed only here is kept; one
    changed on both sides is a conflict, left as it is here unless ``prefer`` says which side
    wins. Milestones the local review lacks (by name and date) are added; the snapshot is
    updated for every question that is now the same on both sides.
    """
    if prefer not in (None, *PREFER):
        raise SyncError.at("pillarkit aws", "--prefer", f"must be {LOCAL} or {REMOTE}")
    record = copy.deepcopy(snapshot(local, workload_id))
    fresh = snapshot(pulled, workload_id)
    result = MergeResult()
    for alias, lens in pulled.lenses.items():
        if alias not in local.lenses:
            local.apply_lens(lens)
        remote_answers = fresh.get("answers", {}).get(alias, {})
        questions = set(remote_answers) | set(local.answers[alias]) | set(record.get("answers", {}).get(alias, {}))
        for qid in sorted(questions):
            local_answer = canonical(local.answers[alias].get(qid))
            remote = canonical(remote_answers.get(qid))
            side = _merge(local_answer, _base(record, alias, qid), remote)
            risk = fresh.get("risks", {}).get(alias, {}).get(qid)
            if side == "conflict":
                if prefer is None:
                    result.conflicts.append(Conflict(alias, qid, local_answer, remote))
                    continue
                side = prefer
            if side == REMOTE:
                _take_remote(local, alias, qid, remote)
                result.taken.append((alias, qid))
                _remember(record, alias, qid, remote, risk)
            elif side == LOCAL:
                result.kept_local.append((alias, qid))
                if risk:
                    record.setdefault("risks", {}).setdefault(alias, {})[qid] = risk
            else:
                _remember(record, alias, qid, remote, risk)
        if alias in fresh.get("lenses", {}):
            record.setdefault("lenses", {})[alias] = fresh["lenses"][alias]
    have = {(m.name, m.date) for m in local.milestones}
    for milestone in pulled.milestones:
        if (milestone.name, milestone.date) not in have:
            local.milestones.append(milestone)
            result.milestones += 1
    for key, value in vars(pulled.workload).items():
        if not getattr(local.workload, key):
            setattr(local.workload, key, copy.deepcopy(value))
    record["region"] = fresh.get("region")
    _store(local, workload_id, record)
    return result


# --- comparing risks -------------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    alias: str
    question_id: str
    wa_tool: str
    pillarkit: str

    def __str__(self) -> str:
        return f"{self.alias}/{self.question_id}: the WA Tool says {self.wa_tool}, pillarkit says {self.pillarkit}"


def risk_disagreements(review: Review, workload_id: str) -> list[Disagreement]:
    """Questions where the WA Tool's risk at the last sync differs from ours for the same answer."""
    record = snapshot(review, workload_id)
    ours = score(review)
    found = []
    for alias, risks in record.get("risks", {}).items():
        if alias not in ours.lenses:
            continue
        for qid, theirs in risks.items():
            mine = ours.lenses[alias].questions.get(qid)
            if mine is None or theirs == mine:
                continue
            if canonical(review.answers[alias].get(qid)) != _base(record, alias, qid):
                continue  # the answer changed since: the WA Tool's risk is for another answer
            found.append(Disagreement(alias, qid, theirs, mine))
    return found


# --- listing ------------------------------------------------------------------------------


def list_workloads(wa) -> list[dict]:
    """Every workload: id, name, lenses and RiskCounts, following NextToken to the end."""
    return list(_pages(wa, "ListWorkloads", {}, "WorkloadSummaries", "workloads"))


# --- the portfolio -----------------------------------------------------------------------


def workload_source(wa, workload_id: str) -> str:
    """How the portfolio names a workload read from the WA Tool: ``wa-tool/REGION/WORKLOAD_ID``."""
    region = getattr(getattr(wa, "meta", None), "region_name", None) or "default-region"
    return f"wa-tool/{region}/{workload_id}"


def pull_all(wa) -> Iterator[tuple[str, Review | SyncError]]:
    """Every workload of the client's account and region, pulled for ``pillarkit portfolio --aws``.

    Yields (source, review) for each workload, in ``ListWorkloads`` order, with its current
    answers and its milestones (so ``--milestone`` and the changes over time work as for files),
    without notes (:func:`pull`'s ``notes=False``: a lens costs a page or two of ``ListAnswers``).
    A workload that cannot be read (no lens pillarkit has, a refused call) yields its
    :class:`SyncError` instead, to be listed as skipped; a failure to list the workloads at all
    raises. The WA Tool keeps no review date, so a review's date is the workload's last update.
    """
    for summary in list_workloads(wa):
        workload_id = summary["WorkloadId"]
        source = workload_source(wa, workload_id)
        try:
            review = pull(wa, workload_id, notes=False)
        except SyncError as exc:
            yield source, exc
            continue
        updated = summary.get("UpdatedAt")
        if not review.workload.review_date and isinstance(updated, dt.datetime):
            review.workload.review_date = updated.date().isoformat()
        review.source = source
        yield source, review


def portfolio_documents(wa) -> Iterator[tuple[str, dict | SyncError]]:
    """:func:`pull_all` as :func:`kit.core.portfolio.read` takes it: (source, review JSON or the error)."""
    for source, pulled in pull_all(wa):
        yield source, pulled if isinstance(pulled, SyncError) else pulled.to_dict()
