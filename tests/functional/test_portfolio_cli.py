"""`pillarkit portfolio` and `pillarkit demo portfolio`: the contract, the files, anonymised outputs, synthetic marks."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from kit.cli import main
from kit.core import synthetic
from kit.core.review import Review
from kit.core.vocabulary import RISKS
from tests.functional.test_cli import run


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A demo portfolio written by the command, plus one real-looking review and one broken file."""
    root = tmp_path_factory.mktemp("cli")
    assert main(["demo", "portfolio", "-o", str(root / "reviews"), "--reviews", "24", "--seed", "5"]) == 0
    review = Review.load(next((root / "reviews").glob("*.json")))
    review.workload.name = "Zanzibar Ledger"
    review.workload.owner = "Quentin Okonkwo-Hart"
    review.workload.participants = ["Brunhilde Axelsson", "Thaddeus Imbert"]
    review.workload.facilitator = "Ottoline Vasquez"
    review.workload.notes = "Mention the Kestrel migration"
    review.workload.description = "Settlement ledger for Zanzibar"
    review.workload.business_context = {"compliance": "Yarrowdale audit"}
    review.extensions = {}
    review.set_notes("wellarchitected", "priorities", "Ask Philippa Drummond-Lowe")
    review.park("Follow up with Isambard Quill", owner="Isambard Quill")
    review.save_milestone("After the Kestrel audit", "2024-02-01")
    review.save(root / "reviews" / "zanzibar-ledger.json")
    (root / "reviews" / "broken-zanzibar.json").write_text("{", encoding="utf-8")
    return root / "reviews"


def names_in(document: dict) -> list[str]:
    """Every workload name, owner, participant, facilitator, note and other free text of a review file.

    Texts are searched whole; people's names also word by word (a surname alone is still a name).
    """
    workload = document["workload"]
    people = [workload.get("owner", ""), workload.get("facilitator", ""), *workload.get("participants", [])]
    people += [item.get("owner", "") for item in document.get("parking_lot", [])]
    found = [workload.get(k, "") for k in ("name", "notes", "description")] + people
    found += list(workload.get("business_context", {}).values())
    for answers in document["answers"].values():
        for answer in answers.values():
            found.append(answer.get("Notes", ""))
            found += [entry.get("Notes", "") for entry in answer.get("ChoiceAnswers", [])]
    found += [item["text"] for item in document.get("parking_lot", [])]
    found += [m["name"] for m in document.get("milestones", []) if m["name"] != "Baseline"]
    words = {
        w.strip(".,()") for person in people for w in person.split() if len(w.strip(".,()")) > 3 and w[0].isupper()
    }
    return sorted({t for t in found if t.strip()} | words)


def test_json_prints_the_contract_and_skips_with_one_line(demo):
    result = run("portfolio", str(demo), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["reviews", "skipped", "lenses"] and data["reviews"] == 25
    assert data["skipped"] == [
        {
            "file": str(demo / "broken-zanzibar.json"),
            "error": "line 1, column 2: invalid JSON: Expecting property name enclosed in double quotes",
        }
    ]
    questions = data["lenses"]["wellarchitected"]["questions"]
    assert all(list(c) == list(RISKS) for c in questions.values())
    assert f"skipped {demo / 'broken-zanzibar.json'}: line 1, column 2: invalid JSON" in result.stderr
    assert "synthetic" in result.stderr  # the demo's files say what they are, even beside the JSON


def test_the_summary_table_says_synthetic(demo):
    result = run("portfolio", str(demo))
    assert result.returncode == 0
    assert "25 reviews analysed, 1 file skipped" in result.stdout
    assert "SYNTHETIC DATA" in result.stdout and "Most often high risk" in result.stdout


@pytest.mark.parametrize("suffix", [".html", ".xlsx", ".csv"])
def test_each_output_is_written_and_says_synthetic(demo, tmp_path, suffix):
    target = tmp_path / f"report{suffix}"
    result = run("portfolio", str(demo), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert f"wrote {target}" in result.stdout and "synthetic" in result.stdout
    text = extract_text(target)
    assert "synthetic" in text.lower()


def test_a_wrong_suffix_fails_before_reading(tmp_path):
    result = run("portfolio", str(tmp_path / "nowhere"), "-o", str(tmp_path / "report.pdf"))
    assert result.returncode == 2
    assert result.stderr.strip().endswith("cannot tell the format from '.pdf'; use one of .html, .xlsx, .csv")
    assert not (tmp_path / "report.pdf").exists()


def test_nothing_readable_exits_2(tmp_path):
    (tmp_path / "a.json").write_text("[]", encoding="utf-8")
    result = run("portfolio", str(tmp_path), "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout)["reviews"] == 0
    assert result.stderr.strip().endswith("error: no review could be analysed")


def test_a_milestone_analysis_says_which_reviews_lack_it(demo):
    result = run("portfolio", str(demo), "--json", "--milestone", "After the Kestrel audit")
    data = json.loads(result.stdout)
    assert data["reviews"] == 1
    assert sum("has no milestone named 'After the Kestrel audit'" in s["error"] for s in data["skipped"]) == 24


def extract_text(path: Path) -> str:
    """Everything a reader of the file could see: the HTML source, every cell and property of a workbook, the CSV."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as book:
            return "\n".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    text = path.read_text(encoding="utf-8-sig")
    # Pictures are pixels, not text: their base64 would match short names by chance.
    return re.sub(r'src="data:[^"]*"', 'src=""', text)


@pytest.mark.slow
def test_anonymised_outputs_hold_no_name_or_free_text(demo, tmp_path):
    documents = [
        json.loads(p.read_text(encoding="utf-8")) for p in demo.glob("*.json") if p.name != "broken-zanzibar.json"
    ]
    names = sorted({n for d in documents for n in names_in(d)})
    assert {"Zanzibar Ledger", "Ask Philippa Drummond-Lowe", "Okonkwo-Hart", "Axelsson"} <= set(names)
    assert len(names) > 60
    outputs = {}
    for suffix in (".html", ".xlsx", ".csv"):
        target = tmp_path / f"shared{suffix}"
        result = run("portfolio", str(demo), "--anonymise", "-o", str(target))
        assert result.returncode == 0, result.stderr
        outputs[suffix] = extract_text(target) + result.stdout + result.stderr
    result = run("portfolio", str(demo), "--anonymise", "--json")
    outputs[".json"] = result.stdout + result.stderr
    result = run("portfolio", str(demo), "--anonymise")
    outputs["text"] = result.stdout + result.stderr
    for kind, text in outputs.items():
        lowered = text.lower()
        leaks = [n for n in names if re.search(r"(?<!\w)" + re.escape(n.lower()) + r"(?!\w)", lowered)]
        context = [
            lowered[max(0, m.start() - 60) : m.end() + 20]
            for n in leaks[:2]
            for m in [re.search(r"(?<!\w)" + re.escape(n.lower()) + r"(?!\w)", lowered)]
        ]
        assert leaks == [], f"{kind} output names {leaks[:5]}: {context}"
        assert "zanzibar" not in lowered and str(demo) not in text
    assert "workload-" in outputs[".csv"] and "review-" in outputs[".csv"]
    # Self-check: the same search finds the names in an output that was not anonymised.
    plain = tmp_path / "plain.csv"
    assert main(["portfolio", str(demo), "-o", str(plain)]) == 0
    assert {"Zanzibar Ledger", "Ottoline Vasquez"} <= {n for n in names if n in extract_text(plain)}


def test_demo_portfolio_writes_marked_files_and_refuses_to_overwrite(tmp_path):
    assert main(["demo", "portfolio", "-o", str(tmp_path / "d"), "--reviews", "3", "--seed", "1"]) == 0
    files = sorted((tmp_path / "d").glob("*.json"))
    assert len(files) == 3
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["extensions"]["synthetic"]["generator"] == synthetic.GENERATOR
        assert document["workload"]["description"].startswith("Synthetic review")
        Review.load(path)
    assert "synthetic" in (tmp_path / "d" / synthetic.README_NAME).read_text(encoding="utf-8")
    again = run("demo", "portfolio", "-o", str(tmp_path / "d"), "--reviews", "3", "--seed", "1")
    assert again.returncode == 2 and "already exists; choose an empty or new folder" in again.stderr
    same = run("demo", "portfolio", "-o", str(tmp_path / "e"), "--reviews", "3", "--seed", "1")
    assert same.returncode == 0
    assert [p.read_bytes() for p in sorted((tmp_path / "e").glob("*.json"))] == [p.read_bytes() for p in files]
    bad = run("demo", "portfolio", "-o", str(tmp_path / "f"), "--reviews", "0")
    assert bad.returncode == 2 and "0 is less than 1" in bad.stderr


def test_serve_portfolio_refuses_a_folder_that_is_not_there(tmp_path):
    result = run("serve", "--portfolio", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nowhere'}: no such folder or file of reviews"
