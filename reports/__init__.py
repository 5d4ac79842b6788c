"""Reports of a stored run: the Table-2 checklist, scores against the study, run diffs,
CSV/JSON/XLSX exports, offline HTML pages with charts, and a notebook API (`reports.api`)."""
