"""Firms files, domains and --connect-to values: good input accepted, bad input named."""

from __future__ import annotations

import pytest

from auditor.connect_to import ConnectToError, parse_routes, route_for
from auditor.domains import DomainError, parse_site, registered_domain
from auditor.firms import FirmsFileError, load_firms, parse_firms


@pytest.mark.parametrize(
    ("raw", "host", "registered", "start"),
    [
        ("example.com", "example.com", "example.com", "https://example.com/"),
        ("www.Example.com", "www.example.com", "example.com", "https://www.example.com/"),
        ("https://example.com/fr/", "example.com", "example.com", "https://example.com/fr/"),
        ("http://shop.firm.co.uk", "shop.firm.co.uk", "firm.co.uk", "http://shop.firm.co.uk/"),
        ("firm.github.io", "firm.github.io", "firm.github.io", "https://firm.github.io/"),
        ("exämple.fr", "xn--exmple-cua.fr", "xn--exmple-cua.fr", "https://xn--exmple-cua.fr/"),
    ],
)
def test_domains_are_normalised(raw: str, host: str, registered: str, start: str) -> None:
    site = parse_site(raw)
    assert (site.host, site.registered, site.start_url) == (host, registered, start)


@pytest.mark.parametrize("raw", ["", "not a domain", "ftp://a.com", "../../etc/passwd", "x",
                                 "a..b.com", "firm.notarealsuffix"])
def test_bad_domains_are_refused(raw: str) -> None:
    with pytest.raises(DomainError):
        parse_site(raw)


def test_registered_domain_uses_private_suffixes_offline() -> None:
    assert registered_domain("www.firm.github.io") == "firm.github.io"
    assert registered_domain("en.firm.qc.ca") == "firm.qc.ca"


def test_csv_rows_are_validated_one_by_one() -> None:
    text = (
        "firm_id,domain,name,stage,founded,first_foreign_sale_year,profiles\n"
        "E1,lumisonde.ca,Lumisonde,entry,2019,2023,https://www.linkedin.com/company/lumisonde\n"
        "E2,bad domain,,,,,\n"
        "E1,other.ca,,,,,\n"
        "E3,e3.ca,,growth,,,\n"
        "E4,e4.ca,,,19x9,,\n"
        "E5,e5.ca,,,,,https://www.facebook.com/sharer/sharer.php?u=x\n"
        "P1,https://www.p1.com/fr/,P One,post-entry,,2010,\n"
        "P2,en.lumisonde.ca,,,,,\n"
    )
    firms, errors = parse_firms(text)
    assert [f.firm_id for f in firms] == ["E1", "P1"]
    assert firms[0].profiles == ("https://www.linkedin.com/company/lumisonde",)
    assert firms[1].site.start_url == "https://www.p1.com/fr/"
    assert errors == [
        "line 3: bad domain 'bad domain': expected a name such as example.com",
        "line 4: duplicate firm_id 'E1': each firm needs its own id",
        "line 5: unknown stage 'growth': use 'entry', 'post-entry' or leave it empty",
        "line 6: founded '19x9' is not a year such as 2015",
        ("line 7: profile 'https://www.facebook.com/sharer/sharer.php?u=x' is not a "
         "social-platform account URL"),
        "line 9: 'lumisonde.ca' is firm 'E1''s site already: list each site once",
    ]


def test_domain_list_gets_ids_and_skips_duplicates() -> None:
    firms, errors = parse_firms("# my region\nlumisonde.ca\nhttps://lumisonde.ca/\nwww.b.com\n")
    assert [f.firm_id for f in firms] == ["lumisonde.ca", "www.b.com"]
    assert errors == ["line 3: duplicate domain 'lumisonde.ca': listed twice"]


def test_unusable_files_raise_one_clear_error(tmp_path) -> None:
    with pytest.raises(FirmsFileError, match="cannot read the firms file"):
        load_firms(tmp_path / "missing.csv")
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(FirmsFileError, match="not a text file"):
        load_firms(binary)


def test_connect_to_routes_hosts_and_subdomains() -> None:
    routes = parse_routes(["firm.ca=http://127.0.0.1:8000", "Other.com=http://127.0.0.1:9000"])
    assert route_for(routes, "firm.ca") == "127.0.0.1:8000"
    assert route_for(routes, "en.firm.ca") == "127.0.0.1:8000"
    assert route_for(routes, "other.com") == "127.0.0.1:9000"
    assert route_for(routes, "firm.com") is None
    assert parse_routes("a.ca=http://127.0.0.1:1,b.ca=http://127.0.0.1:2") == {
        "a.ca": "127.0.0.1:1", "b.ca": "127.0.0.1:2"}


@pytest.mark.parametrize("bad", ["firm.ca", "firm.ca=127.0.0.1:80", "=http://127.0.0.1:1",
                                 "firm.ca=https://127.0.0.1:1"])
def test_bad_connect_to_values_are_refused(bad: str) -> None:
    with pytest.raises(ConnectToError, match=r"write HOST=http://127\.0\.0\.1:PORT"):
        parse_routes([bad])
