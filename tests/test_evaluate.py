"""The accuracy harness: counts, ratios and disagreements against hand labels."""

from __future__ import annotations

import pandas as pd
import pytest

from auditor.evaluate import LabelsError, evaluate, format_evaluation, load_labels

LABELS = """site,letter,present,evidence_file,quote,certainty,notes
F1,a,1,index.html,LinkedIn,high,
F1,d,0,,,high,
F1,m,na,,,,
F2,a,0,,,high,
F2,d,1,contact.html,info@f2.ca,high,
F3,a,1,x.html,y,high,
"""


def status(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["firm_id", "letter", "status"])


def test_counts_and_disagreements(tmp_path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(LABELS, encoding="utf-8")
    labels = load_labels(path)
    assert len(labels) == 5  # m is not observable, na rows are left out
    found = status([("F1", "a", "present"), ("F1", "d", "present"), ("F2", "a", "absent"),
                    ("F2", "d", "absent"), ("F9", "a", "present")])
    evidence = pd.DataFrame([{"firm_id": "F1", "letter": "d", "url": "https://f1.ca/",
                              "location": "body", "snippet": "write to info@f1.ca"}])
    result = evaluate(found, evidence, labels)
    rows = result.per_letter.set_index("letter")
    assert rows.loc["a", ["tp", "fp", "fn", "tn"]].tolist() == [1, 0, 0, 1]
    assert rows.loc["d", ["tp", "fp", "fn", "tn"]].tolist() == [0, 1, 1, 0]
    assert result.overall["precision"] == pytest.approx(0.5)
    assert result.overall["recall"] == pytest.approx(0.5)
    assert result.unlabelled_firms == ["F9"]
    text = format_evaluation(result)
    assert "FP F1 d: audit found (1 evidence): https://f1.ca/ [body] write to info@f1.ca" in text
    assert "FN F2 d: label: contact.html: info@f2.ca" in text


def test_unusable_labels_are_refused(tmp_path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(LabelsError, match="lacks the columns"):
        load_labels(path)
    with pytest.raises(LabelsError, match="cannot read labels"):
        load_labels(tmp_path / "none.csv")
