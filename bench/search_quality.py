"""Search quality on the public questions, through `harbour ask --jsonl` (the CLI contract).

Prints hit@1, hit@3 (overall and per language), emergency recall and false alarms, no-result
accuracy on messages that ask for no service, and language-detection accuracy.
Usage: python bench/search_quality.py [QUESTIONS.jsonl] [--json]
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"


def run(questions: list[dict]) -> list[dict]:
    """Every question through one `harbour ask --jsonl` process; the catalog loads once."""
    harbour = Path(sys.executable).parent / "harbour"
    lines = "".join(
        json.dumps({"id": q["id"], "text": q["text"]}, ensure_ascii=False) + "\n"
        for q in questions
    )
    done = subprocess.run(
        [str(harbour), "ask", "--jsonl", "--limit", "3"], input=lines, capture_output=True,
        text=True, check=True, cwd=ROOT,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def measure(questions: list[dict], answers: list[dict]) -> dict:
    by_id = {a["id"]: a for a in answers}
    hits1 = hits3 = service_questions = 0
    per_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    emergencies = caught = calm = alarms = 0
    non_service = quiet = 0
    detected = 0
    for q in questions:
        answer = by_id[q["id"]]
        expected_lang = q["lang"].split("-")[0]
        detected += answer["language"] == expected_lang
        primary = q["categories"][0] if q["categories"] else None
        if primary == "emergency":
            emergencies += 1
            caught += answer["emergency"]
        else:
            calm += 1
            alarms += answer["emergency"]
        if primary is None:
            non_service += 1
            quiet += not answer["results"] and not answer["emergency"]
            continue
        service_questions += 1
        found = [r["categories"] for r in answer["results"]]
        hit1 = bool(found[:1]) and primary in found[0]
        hit3 = any(primary in cats for cats in found[:3])
        hits1 += hit1
        hits3 += hit3
        per_lang[q["lang"]][0] += hit3
        per_lang[q["lang"]][1] += 1
    return {
        "questions": len(questions),
        "hit@1": hits1 / service_questions,
        "hit@3": hits3 / service_questions,
        "hit@3_by_language": {k: v[0] / v[1] for k, v in sorted(per_lang.items())},
        "emergency_recall": caught / emergencies if emergencies else None,
        "emergency_false_alarm_rate": alarms / calm if calm else None,
        "non_service_accuracy": quiet / non_service if non_service else None,
        "language_detection_accuracy": detected / len(questions),
    }


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(args[0]) if args else DEFAULT_QUESTIONS
    questions = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    figures = measure(questions, run(questions))
    if "--json" in sys.argv:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"search quality on {figures['questions']} questions from {path.name}")
    for key in ("hit@1", "hit@3", "emergency_recall", "emergency_false_alarm_rate",
                "non_service_accuracy", "language_detection_accuracy"):
        print(f"  {key:30s} {figures[key]:.3f}")
    print("  hit@3 by language: " + ", ".join(
        f"{k} {v:.2f}" for k, v in figures["hit@3_by_language"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
