"""The public dev questions must not regress below honest floors (measured, then rounded down).

The targets of the search issue are higher (hit@3 >= 0.92, emergency recall 1.0); these floors
only stop the figures from sliding back while the lexicon grows. Raise them as figures improve.
"""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from search_quality import DEFAULT_QUESTIONS, measure, run

FLOORS = {
    "hit@3": 0.72,
    "hit@1": 0.60,
    "emergency_recall": 0.60,
    "non_service_accuracy": 0.95,
    "language_detection_accuracy": 0.93,
}
MAX_FALSE_ALARMS = 0.05


@pytest.mark.skipif(not DEFAULT_QUESTIONS.exists(), reason="shared/eval is not beside the repo")
def test_dev_questions_stay_above_the_floors() -> None:
    questions = [json.loads(line) for line in DEFAULT_QUESTIONS.read_text().splitlines() if line]
    figures = measure(questions, run(questions))
    for key, floor in FLOORS.items():
        assert figures[key] >= floor, (key, figures[key])
    assert figures["emergency_false_alarm_rate"] <= MAX_FALSE_ALARMS
