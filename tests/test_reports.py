"""HTML reports from a real SQLite run: content, escaping of hostile text, file names, Chromium."""

from __future__ import annotations

import html
import re
import subprocess
import tomllib
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pytest

from auditor.firms import parse_firms
from auditor.items import Evidence, PageItem
from auditor.storage import StorageError, Store
from auditor.table2 import tools
from reports.checklist import letter_status, read_run, stage_counts
from reports.html import (
    MAX_EVIDENCE_SHOWN,
    clean_text,
    environment,
    firm_filename,
    firm_page_path,
    safe_href,
    write_reports,
)

CHROMIUM = Path("/usr/bin/chromium")
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FIRMS_CSV = f"""firm_id,domain,name,stage
acme,acme-optique.ca,Acme Optique,post-entry
x..y,xy-photonique.ca,"{SCRIPT} XY",entry
CON.com,con-lasers.ca,"Con {IMG.replace('"', '""')}",entry
down,down-firm.ca,Down Inc,post-entry
"""


def _page(firm: str, url: str, evidence: list[Evidence]) -> PageItem:
    return PageItem(firm_id=firm, url=url, status=200, content_type="text/html", size=1000,
                    depth=0, lang="en", title="Home", evidence=evidence)


def _ev(letter: str, url: str, snippet: str, value: str = "v") -> Evidence:
    return Evidence(letter=letter, rule_id=f"{letter}-test", value=value, url=url,
                    location="body", snippet=snippet)


def build_db(path: Path) -> int:
    """A finished run: two normal firms, hostile text everywhere, one failed firm."""
    firms, errors = parse_firms(FIRMS_CSV)
    assert not errors
    assert [f.name for f in firms][1:3] == [f"{SCRIPT} XY", f"Con {IMG}"]
    store = Store(path)
    run_id = store.create_run("/private/home/someone/firms.csv", {}, {}, "test")
    store.add_firms(run_id, firms)
    store.save_pages(run_id, [
        _page("acme", "https://acme-optique.ca/", [
            _ev("a", "https://acme-optique.ca/", "Follow us on LinkedIn",
                "https://www.linkedin.com/company/acme"),
            _ev("d", "https://acme-optique.ca/", "Écrivez à info@acme-optique.ca",
                "info@acme-optique.ca"),
            _ev("t", "https://acme-optique.ca/", "We visit our clients' plants"),
        ]),
        _page("acme", "https://acme-optique.ca/docs", [
            _ev("o", f"https://acme-optique.ca/docs/note-{n}.pdf", f"Application note {n}")
            for n in range(MAX_EVIDENCE_SHOWN + 3)
        ]),
        _page("acme", "https://acme-optique.ca/contact", [
            _ev("d", "https://acme-optique.ca/contact", "sales@acme-optique.ca"),
            _ev("x", "https://acme-optique.ca/contact", "Call +1 418 555 0100"),
        ]),
        _page("x..y", "https://xy-photonique.ca/", [
            _ev("g", "javascript:alert(1)", SCRIPT, IMG),
            _ev("c", "https://xy-photonique.ca/?q=\"><script>x</script>",
                f"Our clients {IMG} " + "long " * 60),
        ]),
        _page("CON.com", "https://con-lasers.ca/", []),
    ])
    store.set_firm_outcome(run_id, "acme", "done", "", 2, 0)
    store.set_firm_outcome(run_id, "x..y", "partial", f"page cap reached {SCRIPT}", 1, 0)
    store.set_firm_outcome(run_id, "CON.com", "done", "", 1, 0)
    store.set_firm_outcome(run_id, "down", "failed", "DNS lookup failed", 0, 1)
    store.finish_run(run_id, "finished")
    store.close()
    return run_id


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "audit.sqlite"
    build_db(path)
    return path


@pytest.fixture
def report(db: Path, tmp_path: Path) -> Path:
    return write_reports(db, "latest", tmp_path / "out")


def _firm_pages(index: Path) -> list[Path]:
    return sorted((index.parent / "firms").glob("*.html"))


# ---- checklist ---------------------------------------------------------------------------

def test_status_grid_covers_every_firm_and_letter(db: Path) -> None:
    status = letter_status(read_run(db, "latest"))
    assert len(status) == 4 * 25
    assert list(status["letter"].iloc[:25]) == list(tools())
    by_key = status.set_index(["firm_id", "letter"])["status"]
    assert by_key["acme", "a"] == "present"
    assert by_key["acme", "b"] == "absent"
    assert by_key["acme", "t"] == "not_observable"  # evidence exists, still not observable
    assert by_key["down", "a"] == "absent"
    assert set(status.loc[status["letter"].isin(["m", "t", "u"]), "status"]) == {"not_observable"}


def test_counts_and_example_url(db: Path) -> None:
    status = letter_status(read_run(db, "latest")).set_index(["firm_id", "letter"])
    assert status.loc[("acme", "d"), "evidence_count"] == 2
    assert status.loc[("acme", "d"), "example_url"] == "https://acme-optique.ca/"
    assert status.loc[("acme", "b"), "example_url"] is None


def test_stage_counts_leave_failed_firms_out(db: Path) -> None:
    run = read_run(db, "latest")
    counts = stage_counts(run, letter_status(run))
    assert counts.loc["post-entry", "crawled"] == 1  # acme; 'down' failed
    assert counts.loc["entry", "crawled"] == 2
    assert counts.loc["post-entry", "a"] == 1


# ---- report content ----------------------------------------------------------------------

class Dom(HTMLParser):
    """The elements, attributes and text a browser would build from a page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.chunks: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())

    def hrefs(self) -> list[str]:
        return [a["href"] for tag, a in self.elements if "href" in a]


def _dom(path: Path) -> Dom:
    return Dom(path.read_text(encoding="utf-8"))


def test_index_lists_every_firm_and_links_to_existing_pages(report: Path) -> None:
    dom = _dom(report)
    for name in ("Acme Optique", "Down Inc", f"{SCRIPT} XY", f"Con {IMG}",
                 "acme", "x..y", "CON.com", "down"):
        assert name in dom.text
    links = {h.removeprefix("firms/").split("#")[0] for h in dom.hrefs() if h.startswith("firms/")}
    assert len(links) == 4
    for link in links:
        assert (report.parent / "firms" / link).is_file()
    assert len(_firm_pages(report)) == 4


def test_index_matrix_has_table2_groups_and_stage_counts(report: Path) -> None:
    text = _dom(report).text
    for title in ("Digital", "Traditional", "Events", "Documentation & publications",
                  "Personal relations", "Post-entry (n=1)", "Entry (n=2)",
                  "All crawled firms (n=3)"):
        assert title in text


def test_failure_reason_is_prominent(report: Path) -> None:
    text = _dom(report).text
    assert "Crawl failed: DNS lookup failed. Tools not assessed." in text
    assert "“absent” means “not assessed”" in text
    page = _dom(report.parent / "firms" / firm_filename("down")).text
    assert "The crawl of this firm failed: DNS lookup failed" in page
    assert page.count("absent — not crawled") == 22


def test_firm_page_lists_all_letters_with_names_and_evidence(report: Path) -> None:
    dom = _dom(report.parent / "firms" / firm_filename("acme"))
    ids = [a["id"] for _, a in dom.elements if a.get("id", "").startswith("tool-")]
    assert ids == [f"tool-{letter}" for letter in tools()]
    for tool in tools().values():
        assert tool.name_en in dom.text
        assert tool.name_fr in dom.text
    assert "https://acme-optique.ca/contact" in dom.hrefs()
    assert "“Écrivez à info@acme-optique.ca”" in dom.text
    assert "../index.html" in dom.hrefs()
    assert "4 /22 tools shown" in dom.text  # a, d, o, x; t has evidence but is not observable
    assert "…and 3 more: auditor export --what evidence lists them all." in dom.text
    assert f"{MAX_EVIDENCE_SHOWN + 3} evidence rows" in dom.text
    assert dom.text.count("not observable") >= 3


# ---- hostile text ------------------------------------------------------------------------

def test_hostile_text_creates_no_element_or_attribute(report: Path) -> None:
    allowed_tags = {"html", "head", "meta", "title", "style", "body", "a", "header", "main",
                    "footer", "nav", "section", "aside", "article", "div", "span", "p", "h1",
                    "h2", "h3", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody",
                    "tfoot", "tr", "th", "td", "strong", "em", "small", "b", "code", "br",
                    "blockquote",
                    # charts: inline SVG drawn at build time from our own numbers and labels
                    "figure", "figcaption", "svg", "g", "path", "rect", "text", "defs",
                    "clippath", "use"}
    for path in [report, *_firm_pages(report)]:
        dom = _dom(path)
        assert {tag for tag, _ in dom.elements} <= allowed_tags, path.name
        for _, attrs in dom.elements:
            assert not [k for k in attrs if k.startswith("on")], path.name
            assert "src" not in attrs
        for href in dom.hrefs():
            assert href.startswith(("https://", "http://", "firms/", "../", "#", "index.html",
                                    "ranking-", "matrix.", "scores."))
            assert "javascript" not in href.lower()


def test_hostile_text_is_shown_as_text(report: Path) -> None:
    raw = (report.parent / "firms" / firm_filename("x..y")).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "<script" not in raw.lower()
    text = Dom(raw).text
    assert "javascript:alert(1)" in text  # the URL shown, never linked
    assert f"“{SCRIPT}”" in text
    assert f"{SCRIPT} XY" in text


def test_snippets_are_bounded(report: Path) -> None:
    raw = (report.parent / "firms" / firm_filename("x..y")).read_text(encoding="utf-8")
    quotes = re.findall(r"<blockquote>“(.*?)”</blockquote>", raw, flags=re.DOTALL)
    assert len(quotes) == 2
    assert all(len(html.unescape(q)) <= 160 for q in quotes)


def test_every_template_autoescapes() -> None:
    env = environment()
    names = env.list_templates()
    assert {"base.html", "index.html", "firm.html"} <= set(names)
    assert env.autoescape is True
    assert env.loader is not None
    for name in names:
        source = env.loader.get_source(env, name)[0]
        assert "|safe" not in source.replace(" ", ""), name
        assert "autoescape false" not in source, name
        assert "Markup" not in source, name
        assert "<script" not in source.lower(), name
    for name in (n for n in names if n.endswith(".html")):
        assert env.get_template(name).environment.autoescape is True
    assert env.from_string("{{ x }}").render(x=SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_templates_match_the_package_data_globs() -> None:
    """pyproject ships templates/*.html and templates/*.css: every template must match."""
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["reports"]
    for name in environment().list_templates():
        assert any(PurePosixPath("templates", name).match(g) for g in globs), name


def test_pages_are_self_contained(report: Path) -> None:
    for path in [report, *_firm_pages(report)]:
        dom = _dom(path)
        csp = [a["content"] for t, a in dom.elements
               if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert csp and csp[0].startswith(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
        assert not [t for t, _ in dom.elements if t in ("link", "script", "img", "iframe")]
        raw = path.read_text(encoding="utf-8")
        assert str(report.parent.parent) not in raw  # no local path: reports travel
        assert "/private/home" not in raw  # only the firms file's name does
    assert "(firms.csv)" in _dom(report).text


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:x",
    "data:text/html,<b>x</b>", "vbscript:x", "//evil.example/", "/relative", "", "http://",
    "https://a.example/\u202e", "file:///etc/passwd",
])
def test_safe_href_refuses(url: str) -> None:
    assert safe_href(url) is None


def test_safe_href_keeps_http_urls() -> None:
    assert safe_href("https://a.example/x?y=1#z") == "https://a.example/x?y=1#z"
    assert safe_href("HTTP://A.example/") == "HTTP://A.example/"


def test_clean_text_strips_controls_and_bounds() -> None:
    assert clean_text("a\x00b\u202ec\n\td", 160) == "abc d"
    assert clean_text("x" * 500, 160) == "x" * 159 + "…"
    assert clean_text(None) == ""


# ---- file names --------------------------------------------------------------------------

@pytest.mark.parametrize("firm_id", [
    "../../etc/passwd", "a/b.com", "..", "x\x00y.com", "CON.com", "con", "x" * 300,
    "exämple.fr", "EXAMPLE.com", "x..y", ".hidden", "nul.txt", "a\\b",
])
def test_firm_filenames_are_safe(firm_id: str, tmp_path: Path) -> None:
    name = firm_filename(firm_id)
    assert re.fullmatch(r"[a-z0-9_][a-z0-9_.-]*\.html", name)
    assert ".." not in name
    assert len(name) <= 80
    assert name.split(".")[0] not in {"con", "nul", "prn", "aux"}
    path = firm_page_path(tmp_path, name)
    assert path.resolve().is_relative_to(tmp_path.resolve())


def test_filenames_differ_when_ids_differ_only_by_case() -> None:
    assert firm_filename("example.com") == "example.com.html"
    assert firm_filename("EXAMPLE.com") != firm_filename("example.com")
    assert firm_filename("x..y") != firm_filename("x.y")


def test_firm_page_path_refuses_escape(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="leave the report folder"):
        firm_page_path(tmp_path, "../../escape.html")


def test_report_files_stay_inside_out_dir(report: Path) -> None:
    out = report.parent.resolve()
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.parent for p in files} <= {out, out / "firms"}
    names = {p.name for p in _firm_pages(report)}
    assert "acme.html" in names
    assert all(n != "x..y.html" and not n.startswith("con.") for n in names)


# ---- errors ------------------------------------------------------------------------------

def test_missing_run_raises_storage_error(db: Path, tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no run 99"):
        write_reports(db, "99", tmp_path / "out")
    with pytest.raises(StorageError, match="run number or 'latest'"):
        write_reports(db, "../x", tmp_path / "out")


def test_missing_db_raises_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no database"):
        write_reports(tmp_path / "nope.sqlite", "latest", tmp_path / "out")
    assert not (tmp_path / "nope.sqlite").exists()


def test_empty_database_raises_storage_error(tmp_path: Path) -> None:
    Store(tmp_path / "empty.sqlite").close()
    with pytest.raises(StorageError, match="no run yet"):
        write_reports(tmp_path / "empty.sqlite", "latest", tmp_path / "out")


def test_run_without_firms_renders(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite")
    store.create_run("firms.csv", {}, {}, "test")
    store.close()
    index = write_reports(tmp_path / "a.sqlite", "latest", tmp_path / "out")
    assert "This run holds no firm." in index.read_text(encoding="utf-8")


# ---- a real browser ----------------------------------------------------------------------

def _dump_dom(url: str, profile: Path) -> str:
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={profile}", "--dump-dom", url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


@pytest.mark.skipif(not CHROMIUM.exists(),
                    reason="needs /usr/bin/chromium: apt-get install chromium")
def test_chromium_renders_without_running_hostile_markup(report: Path, tmp_path: Path) -> None:
    index_dom = _dump_dom(report.resolve().as_uri(), tmp_path / "profile")
    assert "Acme Optique" in index_dom
    assert "Down Inc" in index_dom
    assert "Crawl failed: DNS lookup failed" in index_dom
    firm = report.parent / "firms" / firm_filename("x..y")
    firm_dom = _dump_dom(firm.resolve().as_uri(), tmp_path / "profile")
    for dom in (index_dom, firm_dom):
        assert '<img src="x"' not in dom
        assert "<img" not in dom
        assert dom.lower().count("<script") == 0
        assert 'href="javascript' not in dom.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; XY" in firm_dom



def test_cli_report_prints_the_index(db: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    from auditor.cli import main

    assert main(["report", "--db", str(db), "--out", str(tmp_path / "r")]) == 0
    assert Path(capsys.readouterr().out.strip()) == (tmp_path / "r" / "index.html").resolve()
    assert main(["report", "--db", str(db), "--run", "5", "--out", str(tmp_path / "r")]) == 2
    assert "no run 5" in capsys.readouterr().err
