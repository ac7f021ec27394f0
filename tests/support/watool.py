"""A stand-in for the AWS Well-Architected Tool, behind a real boto3 client, for tests without AWS.

moto does not implement ``wellarchitected``, so this answers the client's requests itself:

- every request is checked against botocore's own service model for ``wellarchitected`` (on
  ``before-parameter-build``): required members, types, enums, lengths, list sizes, number
  ranges and patterns. botocore's own validation checks only some of these, so this one is
  stricter, and a request the real service would refuse fails the test;
- every attempt is answered on ``before-send`` with an HTTP response the client parses as it
  would AWS's, so botocore's retry machinery (adaptive mode) runs for real: a throttled
  attempt is retried. Nothing is ever sent: a request this stand-in cannot answer fails.

The stand-in keeps workloads, answers, milestones and custom lenses in memory, pages
``ListAnswers`` at 50 answers, honours idempotency tokens, and can be told to throttle or fail
(:attr:`FakeWATool.faults`).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

import boto3
from botocore.awsrequest import AWSResponse

from kit.core import lens as lenses
from kit.core.review import Answer, ChoiceAnswer
from kit.core.scoring import question_risk

REGION = "eu-west-1"
ACCOUNT = "123456789012"
#: When every workload was last updated, as ListWorkloads says.
UPDATED_AT = dt.datetime(2026, 10, 5, 9, 30, tzinfo=dt.UTC)


# --- checking requests against the service model ------------------------------------------


def model_problems(shape, value, path: str = "") -> list[str]:
    """Every way ``value`` breaks ``shape`` of botocore's model (empty when it fits)."""
    problems = []
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path or '$'}: expected an object"]
        for name in shape.required_members:
            if name not in value:
                problems.append(f"{path}.{name}: required")
        for name, item in value.items():
            if name not in shape.members:
                problems.append(f"{path}.{name}: unknown member")
            else:
                problems += model_problems(shape.members[name], item, f"{path}.{name}")
    elif kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list"]
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{path}: {len(value)} items, at most {meta['max']}")
        if "min" in meta and len(value) < meta["min"]:
            problems.append(f"{path}: {len(value)} items, at least {meta['min']}")
        for i, item in enumerate(value):
            problems += model_problems(shape.member, item, f"{path}[{i}]")
    elif kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected a map"]
        for key, item in value.items():
            problems += model_problems(shape.key, key, f"{path}<key {key}>")
            problems += model_problems(shape.value, item, f"{path}[{key}]")
    elif kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected a string"]
        if shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} is not one of {shape.enum}")
        if "min" in meta and len(value) < meta["min"]:
            problems.append(f"{path}: {len(value)} characters, at least {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{path}: {len(value)} characters, at most {meta['max']}")
        if "pattern" in meta and not re.fullmatch(meta["pattern"], value):
            problems.append(f"{path}: {value!r} does not match {meta['pattern']}")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: expected an integer"]
        if "min" in meta and value < meta["min"]:
            problems.append(f"{path}: {value} is below {meta['min']}")
        if "max" in meta and value > meta["max"]:
            problems.append(f"{path}: {value} is above {meta['max']}")
    elif kind == "boolean" and not isinstance(value, bool):
        problems.append(f"{path}: expected a boolean")
    return problems


def check_call(operation: str, params: dict) -> list[str]:
    """Problems of one call (as ``plan_push`` lists it) against the model."""
    model = boto3.session.Session().client("wellarchitected", region_name=REGION).meta.service_model
    return model_problems(model.operation_model(operation).input_shape, params)


# --- the stand-in ---------------------------------------------------------------------


class _Raw:
    def __init__(self, body: bytes):
        self.body = body

    def stream(self, **kwargs):
        yield self.body


class ServiceError(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.status = code, status


@dataclass
class Fault:
    """Answer an operation with an error: ``times`` attempts in a row, from its ``after``-th call on."""

    operation: str
    code: str
    times: int = 1
    after: int = 0
    status: int = 400


@dataclass
class Workload:
    id: str
    fields: dict
    lenses: list[str]
    answers: dict = field(default_factory=dict)  # lens alias -> question id -> API answer
    milestones: list[dict] = field(default_factory=list)


def _epoch(moment: dt.datetime) -> float:
    return moment.timestamp()


def stand_in(monkeypatch) -> FakeWATool:
    """A fresh :class:`FakeWATool` that ``kit.exchange.watool.client`` hands out for the rest of a test.

    Retries happen as in production, without the seconds of backoff between them. What the code
    asked the client for is kept in ``.chosen`` (``{"region": ..., "profile": ...}``).
    """
    from kit.exchange import watool

    monkeypatch.setattr("botocore.retries.standard.ExponentialBackoff.delay_amount", lambda self, context: 0)
    fake = FakeWATool()

    def client(region=None, profile=None):
        fake.chosen = {"region": region, "profile": profile}
        return fake.client

    monkeypatch.setattr(watool, "client", client)
    return fake


class FakeWATool:
    """The WA Tool, in memory, answering one boto3 client's requests."""

    def __init__(self):
        self.session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
        )
        from botocore.config import Config

        self.client = self.session.client(
            "wellarchitected", config=Config(retries={"mode": "adaptive", "max_attempts": 5})
        )
        self.model = self.client.meta.service_model
        self.client.meta.events.register("before-parameter-build.wellarchitected.*", self._on_parameters)
        self.client.meta.events.register("before-send.wellarchitected.*", self._on_send)
        #: Every call as the code made it: (operation, params); and every attempt sent.
        self.calls: list[tuple[str, dict]] = []
        self.attempts: list[str] = []
        self.faults: list[Fault] = []
        self.workloads: dict[str, Workload] = {}
        self.tokens: dict[str, dict] = {}
        self.custom_lenses: dict[str, dict] = {}  # ARN -> {"document", "polls_left", "published"}
        #: (lens alias, question id) -> a risk to report instead of the lens's rules.
        self.risk_override: dict[tuple[str, str], str] = {}
        self.import_polls = 1  # GetLens answers "not found" this many times after an import
        #: The region and profile the code last asked ``kit.exchange.watool.client`` for (see :func:`stand_in`).
        self.chosen: dict[str, str | None] = {}
        self._current: tuple[str, dict] | None = None

    # -- wiring --

    def _on_parameters(self, params, model, **kwargs):
        problems = model_problems(model.input_shape, params)
        assert not problems, f"{model.name} breaks the service model: " + "; ".join(problems)
        self._current = (model.name, copy.deepcopy(params))
        self.calls.append(self._current)

    def _on_send(self, request, **kwargs):
        assert self._current is not None, "a request was about to leave without parameters"
        operation, params = self._current
        self.attempts.append(operation)
        count = sum(1 for name, _ in self.calls if name == operation)
        try:
            for fault in self.faults:
                if fault.operation == operation and count > fault.after and fault.times > 0:
                    fault.times -= 1
                    raise ServiceError(fault.code, f"{fault.code} (made by the test)", fault.status)
            body = getattr(self, f"_{operation}")(params)
            status, headers = 200, {"x-amzn-requestid": "test"}
        except ServiceError as exc:
            body = {"message": str(exc)}
            status, headers = exc.status, {"x-amzn-requestid": "test", "x-amzn-ErrorType": exc.code}
        return AWSResponse(request.url, status, headers, _Raw(json.dumps(body, default=_epoch).encode()))

    # -- helpers --

    def calls_of(self, operation: str) -> list[dict]:
        return [params for name, params in self.calls if name == operation]

    def workload(self, workload_id: str) -> Workload:
        if workload_id not in self.workloads:
            raise ServiceError("ResourceNotFoundException", f"no workload {workload_id}", 404)
        return self.workloads[workload_id]

    def lens_of(self, alias: str) -> lenses.Lens:
        if alias.startswith("arn:"):
            return lenses.from_document(self.custom_lenses[alias]["document"], source=alias, alias="custom")
        return lenses.bundled(alias)

    def add_workload(self, name: str = "Existing", lens_aliases=("wellarchitected",)) -> Workload:
        workload_id = hashlib.md5(name.encode()).hexdigest()
        fields = {"WorkloadName": name, "Description": "Made by the test", "Environment": "PRODUCTION"}
        self.workloads[workload_id] = Workload(workload_id, fields, list(lens_aliases))
        return self.workloads[workload_id]

    def set_answer(self, workload_id: str, lens_alias: str, qid: str, answer: dict) -> None:
        self.workloads[workload_id].answers.setdefault(lens_alias, {})[qid] = copy.deepcopy(answer)

    def _full_answer(self, workload: Workload, lens_alias: str, qid: str, answers: dict | None = None) -> dict:
        lens = self.lens_of(lens_alias)
        question = lens.question(qid)
        stored = copy.deepcopy((answers if answers is not None else workload.answers).get(lens_alias, {}).get(qid, {}))
        selected = stored.get("SelectedChoices", [])
        choices = {entry["ChoiceId"]: entry for entry in stored.get("ChoiceAnswers", [])}
        answer = Answer(
            {cid: ChoiceAnswer(e["Status"], e.get("Reason"), e.get("Notes", "")) for cid, e in choices.items()},
            stored.get("IsApplicable", True),
            stored.get("Reason"),
            stored.get("Notes", ""),
        )
        for cid in selected:
            answer.choices.setdefault(cid, ChoiceAnswer("SELECTED"))
        risk = self.risk_override.get((lens_alias, qid)) or question_risk(question, answer)
        data = {
            "QuestionId": qid,
            "PillarId": question.pillar_id,
            "QuestionTitle": question.title[:512],
            "SelectedChoices": sorted(selected),
            "ChoiceAnswers": [
                {"ChoiceId": c.id, "Status": answer.status(c.id)}
                | ({"Reason": choices[c.id]["Reason"]} if choices.get(c.id, {}).get("Reason") else {})
                | ({"Notes": choices[c.id]["Notes"]} if choices.get(c.id, {}).get("Notes") else {})
                for c in question.choices
            ],
            "IsApplicable": answer.is_applicable,
            "Risk": risk,
        }
        if answer.notes:
            data["Notes"] = answer.notes
        if answer.reason:
            data["Reason"] = answer.reason
        return data

    # -- operations --

    def _CreateWorkload(self, params):
        token = params["ClientRequestToken"]
        if token in self.tokens:
            return self.tokens[token]
        workload_id = hashlib.md5(token.encode()).hexdigest()
        fields = {k: v for k, v in params.items() if k not in ("ClientRequestToken", "Lenses")}
        self.workloads[workload_id] = Workload(workload_id, fields, list(params["Lenses"]))
        self.tokens[token] = {
            "WorkloadId": workload_id,
            "WorkloadArn": f"arn:aws:wellarchitected:{REGION}:{ACCOUNT}:workload/{workload_id}",
        }
        return self.tokens[token]

    def _UpdateWorkload(self, params):
        workload = self.workload(params["WorkloadId"])
        workload.fields.update({k: v for k, v in params.items() if k != "WorkloadId"})
        return {"Workload": self._workload_out(workload)}

    def _workload_out(self, workload: Workload) -> dict:
        return {"WorkloadId": workload.id, "Lenses": list(workload.lenses)} | workload.fields

    def _GetWorkload(self, params):
        return {"Workload": self._workload_out(self.workload(params["WorkloadId"]))}

    def _AssociateLenses(self, params):
        workload = self.workload(params["WorkloadId"])
        for alias in params["LensAliases"]:
            if alias not in workload.lenses:
                workload.lenses.append(alias)
        return {}

    def _ImportLens(self, params):
        token = params["ClientRequestToken"]
        if token in self.tokens:
            return self.tokens[token]
        arn = f"arn:aws:wellarchitected:{REGION}:{ACCOUNT}:lens/{hashlib.md5(token.encode()).hexdigest()}"
        self.custom_lenses[arn] = {
            "document": json.loads(params["JSONString"]),
            "polls_left": self.import_polls,
            "published": False,
        }
        self.tokens[token] = {"LensArn": arn, "Status": "IN_PROGRESS"}
        return self.tokens[token]

    def _GetLens(self, params):
        lens = self.custom_lenses.get(params["LensAlias"])
        if lens is None or lens["polls_left"] > 0:
            if lens is not None:
                lens["polls_left"] -= 1
            raise ServiceError("ResourceNotFoundException", "not there yet", 404)
        return {"Lens": {"LensArn": params["LensAlias"], "Name": lens["document"]["name"]}}

    def _CreateLensVersion(self, params):
        self.custom_lenses[params["LensAlias"]]["published"] = True
        return {"LensArn": params["LensAlias"], "LensVersion": params["LensVersion"]}

    def _ExportLens(self, params):
        return {"LensJSON": json.dumps(self.custom_lenses[params["LensAlias"]]["document"])}

    def _GetAnswer(self, params):
        workload = self.workload(params["WorkloadId"])
        answers = None
        if "MilestoneNumber" in params:
            answers = workload.milestones[params["MilestoneNumber"] - 1]["answers"]
        answer = self._full_answer(workload, params["LensAlias"], params["QuestionId"], answers)
        return {"WorkloadId": workload.id, "LensAlias": params["LensAlias"], "Answer": answer}

    def _UpdateAnswer(self, params):
        workload = self.workload(params["WorkloadId"])
        lens_alias, qid = params["LensAlias"], params["QuestionId"]
        question = self.lens_of(lens_alias).question(qid)
        unknown = set(params.get("SelectedChoices", [])) - set(question.choice_ids)
        if unknown:
            raise ServiceError("ValidationException", f"unknown choices {sorted(unknown)}")
        stored = workload.answers.setdefault(lens_alias, {}).setdefault(qid, {})
        entries = {e["ChoiceId"]: e for e in stored.get("ChoiceAnswers", [])}
        for cid in question.choice_ids:
            entries.setdefault(cid, {"ChoiceId": cid, "Status": "UNSELECTED"})
            entries[cid]["Status"] = (
                "SELECTED"
                if cid in params.get("SelectedChoices", [])
                else ("UNSELECTED" if entries[cid]["Status"] == "SELECTED" else entries[cid]["Status"])
            )
        for cid, update in params.get("ChoiceUpdates", {}).items():
            entry = entries[cid]
            entry["Status"] = update["Status"]
            if "Reason" in update:
                entry["Reason"] = update["Reason"]
            elif update["Status"] != "NOT_APPLICABLE":
                entry.pop("Reason", None)
            if "Notes" in update:
                entry["Notes"] = update["Notes"]
        stored["SelectedChoices"] = list(params.get("SelectedChoices", []))
        stored["ChoiceAnswers"] = [e for e in entries.values() if e["Status"] != "UNSELECTED" or e.get("Notes")]
        for cid in stored["SelectedChoices"]:
            entries[cid]["Status"] = "SELECTED"
        if "Notes" in params:
            stored["Notes"] = params["Notes"]
        if "IsApplicable" in params:
            stored["IsApplicable"] = params["IsApplicable"]
        if "Reason" in params:
            stored["Reason"] = params["Reason"]
        elif params.get("IsApplicable", True):
            stored.pop("Reason", None)
        return {
            "WorkloadId": workload.id,
            "LensAlias": lens_alias,
            "Answer": self._full_answer(workload, lens_alias, qid),
        }

    def _ListAnswers(self, params):
        workload = self.workload(params["WorkloadId"])
        lens = self.lens_of(params["LensAlias"])
        answers = None
        if "MilestoneNumber" in params:
            answers = workload.milestones[params["MilestoneNumber"] - 1]["answers"]
        questions = [q.id for q in lens.questions()]
        start = int(params.get("NextToken", "0") or 0)
        size = min(params.get("MaxResults", 50), 50)
        page = questions[start : start + size]
        summaries = []
        for qid in page:
            full = self._full_answer(workload, params["LensAlias"], qid, answers)
            summaries.append(
                {
                    "QuestionId": qid,
                    "PillarId": full["PillarId"],
                    "SelectedChoices": full["SelectedChoices"],
                    "ChoiceAnswerSummaries": [
                        {k: v for k, v in e.items() if k != "Notes"} for e in full["ChoiceAnswers"]
                    ],
                    "IsApplicable": full["IsApplicable"],
                    "Risk": full["Risk"],
                }
                | ({"Reason": full["Reason"]} if "Reason" in full else {})  # the API's summaries carry it
            )
        result = {"WorkloadId": workload.id, "LensAlias": params["LensAlias"], "AnswerSummaries": summaries}
        if start + size < len(questions):
            result["NextToken"] = str(start + size)
        return result

    def _CreateMilestone(self, params):
        token = params["ClientRequestToken"]
        if token in self.tokens:
            return self.tokens[token]
        workload = self.workload(params["WorkloadId"])
        workload.milestones.append(
            {
                "name": params["MilestoneName"],
                "at": dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC) + dt.timedelta(days=len(workload.milestones)),
                "answers": copy.deepcopy(workload.answers),
            }
        )
        self.tokens[token] = {"WorkloadId": workload.id, "MilestoneNumber": len(workload.milestones)}
        return self.tokens[token]

    def _ListMilestones(self, params):
        workload = self.workload(params["WorkloadId"])
        return {
            "WorkloadId": workload.id,
            "MilestoneSummaries": [
                {"MilestoneNumber": i, "MilestoneName": m["name"], "RecordedAt": m["at"]}
                for i, m in enumerate(workload.milestones, start=1)
            ],
        }

    def _ListWorkloads(self, params):
        summaries = []
        for workload in self.workloads.values():
            counts: dict[str, int] = {}
            for alias in workload.lenses:
                for question in self.lens_of(alias).questions():
                    risk = self._full_answer(workload, alias, question.id)["Risk"]
                    counts[risk] = counts.get(risk, 0) + 1
            summaries.append(
                {
                    "WorkloadId": workload.id,
                    "WorkloadName": workload.fields["WorkloadName"],
                    "Lenses": workload.lenses,
                    "RiskCounts": counts,
                    "UpdatedAt": UPDATED_AT,
                }
            )
        start = int(params.get("NextToken", "0") or 0)
        size = params.get("MaxResults", 50)
        result = {"WorkloadSummaries": summaries[start : start + size]}
        if start + size < len(summaries):
            result["NextToken"] = str(start + size)
        return result
