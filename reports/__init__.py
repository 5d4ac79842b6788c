"""Reports of a stored run: the Table-2 checklist, CSV/JSON exports and offline HTML pages."""
