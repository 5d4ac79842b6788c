"""The fingerprint data: its schema, its regexes, and the samples it carries.

`rules/fingerprints.json` must conform to `rules/fingerprints.schema.json` (checked by a small
validator for the subset of JSON Schema the schema uses, and by `jsonschema` when installed);
every pattern must compile without capturing groups (the per-channel alternation of named
groups relies on that) and be matched by one of its technology's samples; the negative
samples must match nothing. A few tests pin the known pitfalls (GTM vs GA4, Pardot, Clarity,
Drift loaders built in JavaScript).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from auditor.page import parse_page
from rules.fingerprints import (
    CATEGORIES,
    CHANNELS,
    PAGE_CHANNELS,
    fingerprints,
    raw_data,
    required_literal,
    scan_page,
)

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
DATA: dict[str, Any] = raw_data()
SCHEMA: dict[str, Any] = json.loads((RULES_DIR / "fingerprints.schema.json").read_text("utf-8"))
TECHS: list[dict[str, Any]] = DATA["technologies"]

# ---------------------------------------------------------------- a small JSON Schema validator

SUPPORTED = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "required", "properties",
    "additionalProperties", "items", "minItems", "uniqueItems", "minLength", "maxLength", "enum",
    "minProperties",
}
TYPES = {"object": dict, "array": list, "string": str}


def validate(
    value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$"
) -> list[str]:
    """Errors of value against the subset of JSON Schema in SUPPORTED (none when valid)."""
    unknown = set(schema) - SUPPORTED
    if unknown:
        return [f"{path}: schema keyword(s) {sorted(unknown)} not supported by this validator"]
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        return validate(value, root["$defs"][ref.removeprefix("#/$defs/")], root, path)
    errors: list[str] = []
    kind = schema.get("type")
    if kind and not isinstance(value, TYPES[kind]):
        return [f"{path}: expected {kind}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not one of {schema['enum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}: shorter than {schema['minLength']}")
        if len(value) > schema.get("maxLength", len(value)):
            errors.append(f"{path}: longer than {schema['maxLength']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if schema.get("uniqueItems") and len({json.dumps(v) for v in value}) != len(value):
            errors.append(f"{path}: items not unique")
        for i, item in enumerate(value):
            errors += validate(item, schema.get("items", {}), root, f"{path}[{i}]")
    if isinstance(value, dict):
        if len(value) < schema.get("minProperties", 0):
            errors.append(f"{path}: fewer than {schema['minProperties']} properties")
        required = schema.get("required", [])
        errors += [f"{path}: missing {key!r}" for key in required if key not in value]
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                errors += validate(item, properties[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected property {key!r}")
    return errors


def test_validator_catches_errors() -> None:
    bad = json.loads(json.dumps(DATA))
    bad["technologies"][0]["category"] = "seo"
    bad["technologies"][1]["script_src"] = []
    bad["technologies"][2]["colour"] = "red"
    del bad["technologies"][3]["samples"]
    errors = validate(bad, SCHEMA, SCHEMA)
    assert len(errors) == 4, errors


def test_data_conforms_to_schema() -> None:
    assert validate(DATA, SCHEMA, SCHEMA) == []


def test_data_conforms_to_schema_with_jsonschema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(DATA)


# ---------------------------------------------------------------- what a schema cannot say


def test_categories_are_the_fixed_list() -> None:
    enum = SCHEMA["$defs"]["technology"]["properties"]["category"]["enum"]
    assert tuple(enum) == CATEGORIES
    assert tuple(DATA["categories"]) == CATEGORIES
    assert tuple(DATA["channels"]) == CHANNELS


def test_at_least_forty_technologies_with_unique_names() -> None:
    names = [t["name"] for t in TECHS]
    assert len(names) >= 40
    assert len(set(names)) == len(names), [n for n in names if names.count(n) > 1]


def test_every_pattern_compiles_without_capturing_groups() -> None:
    problems = []
    for tech in TECHS:
        for channel in CHANNELS:
            for pattern in tech.get(channel, []):
                try:
                    if re.compile(pattern).groups:
                        problems.append(f"{tech['name']} {channel}: capturing group in {pattern}")
                except re.error as exc:
                    problems.append(f"{tech['name']} {channel}: {exc} in {pattern}")
        if "id" in tech:
            try:
                re.compile(tech["id"])
            except re.error as exc:
                problems.append(f"{tech['name']} id: {exc}")
    assert not problems, problems


@pytest.mark.parametrize("tech", TECHS, ids=lambda t: t["name"])
def test_samples_cover_every_pattern(tech: dict[str, Any]) -> None:
    samples = tech["samples"]
    extra = [c for c in samples if not tech.get(c)]
    assert not extra, f"samples for channels without patterns: {extra}"
    for channel in CHANNELS:
        for pattern in tech.get(channel, []):
            compiled = re.compile(pattern, re.IGNORECASE)
            assert any(compiled.search(s) for s in samples.get(channel, [])), (
                f"{channel} pattern {pattern!r} has no sample that it matches"
            )


@pytest.mark.parametrize("tech", TECHS, ids=lambda t: t["name"])
def test_samples_scan_to_their_technology(tech: dict[str, Any]) -> None:
    prints = fingerprints()
    ids = []
    for channel, samples in tech["samples"].items():
        for sample in samples:
            matches = {m.technology.name: m for m in prints.scan(channel, sample)}
            assert tech["name"] in matches, f"{channel} sample {sample!r} found {sorted(matches)}"
            ids.append(matches[tech["name"]].tracking_id)
    if "id" in tech:
        assert any(ids), f"no sample yields a tracking ID with {tech['id']!r}"


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        (r"googletagmanager\.com/gtag/js\?(?:[^\"'\s]*&)?id=G-", "googletagmanager.com/gtag/js?"),
        (r"js(?:-[a-z0-9]+)?\.hs-scripts\.com/\d+\.js", ".hs-scripts.com/"),
        (r"^_wpcf7(?:_|$)", "_wpcf7"),
        (r"ab{2,3}cdE", "cde"),
        (r"abcd?e+", "abc"),
        (r"[abc]xyz|uvw", ""),
        (r"Munchkin\.init\(", "munchkin.init("),
    ],
)
def test_required_literal(pattern: str, literal: str) -> None:
    assert required_literal(pattern) == literal


@pytest.mark.parametrize("tech", TECHS, ids=lambda t: t["name"])
def test_prefilter_keeps_every_sample(tech: dict[str, Any]) -> None:
    """The literal a pattern is pre-filtered on occurs in every sample the pattern matches."""
    for channel in CHANNELS:
        for pattern in tech.get(channel, []):
            literal = required_literal(pattern)
            compiled = re.compile(pattern, re.IGNORECASE)
            for sample in tech["samples"].get(channel, []):
                if compiled.search(sample):
                    assert literal in sample.lower(), (pattern, literal, sample)


@pytest.mark.parametrize("channel", CHANNELS)
def test_negative_samples_match_nothing(channel: str) -> None:
    prints = fingerprints()
    for sample in DATA["negative_samples"].get(channel, []):
        assert prints.scan(channel, sample) == [], sample


# ---------------------------------------------------------------- the known pitfalls


def names(channel: str, text: str) -> set[str]:
    return {m.technology.name for m in fingerprints().scan(channel, text)}


def test_ga4_loader_is_not_tag_manager_and_gtm_is_not_ga4() -> None:
    assert names("script_src", "https://www.googletagmanager.com/gtag/js?id=G-4TQ8ZK2LM1") == {
        "Google Analytics 4"
    }
    assert names("script_src", "https://www.googletagmanager.com/gtm.js?id=GTM-K7PL2QX") == {
        "Google Tag Manager"
    }
    assert names("script_src", "https://www.googletagmanager.com/gtag/js?id=AW-695468280") == {
        "Google Ads conversion"
    }


def test_loaders_built_in_javascript() -> None:
    prints = fingerprints()
    pardot = (
        "piAId = '912345';s.src = ('https:' == document.location.protocol"
        " ? 'https://pi' : 'http://cdn') + '.pardot.com/pd.js';"
    )
    [match] = prints.scan("inline", pardot)
    assert (match.technology.name, match.tracking_id) == ("Pardot (Account Engagement)", "912345")
    clarity = (
        't.src="https://www.clarity.ms/tag/"+i;})'
        '(window, document, "clarity", "script", "k3x9p2m7qa");'
    )
    [match] = prints.scan("inline", clarity)
    assert (match.technology.name, match.tracking_id) == ("Microsoft Clarity", "k3x9p2m7qa")
    drift = (
        'o.src = "https://js.driftt.com/include/" + n + "/" + e + ".js";'
        'drift.load("k3x9p2m7qa4z");'
    )
    [match] = prints.scan("inline", drift)
    assert (match.technology.name, match.tracking_id) == ("Drift", "k3x9p2m7qa4z")


def test_calls_without_loader_and_words_are_not_tags() -> None:
    assert names("inline", "gtag('config','G-4TQ8ZK2LM1');fbq('track','PageView');") == set()
    assert names("inline", "var clarity = 1; var drift = 2; // Mailchimp, HubSpot") == set()
    assert names("dom", "https://calendly.com/") == set()
    assert names("dom", "https://www.hubspot.com/products/marketing") == set()


# ---------------------------------------------------------------- the page scan


PAGE = """<html lang="fr"><head><meta name="trustpilot-one-time-domain-verification-id" content="x1">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-4TQ8ZK2LM1"></script>
<script>window.$crisp=[];window.CRISP_WEBSITE_ID="0a1b2c3d-1111-2222-3333-444455556666";</script></head>
<body><nav><a href="https://calendly.com/opticlair/demo">Réserver une démo</a></nav>
<form action="https://opticlair.us21.list-manage.com/subscribe/post?u=0a1b&amp;id=1a2b" method="post">
<input type="email" name="EMAIL"><input type="text" name="b_0a1b2c3d4e5f6a7b8c9d0e1f2_1a2b3c4d5e"></form>
<form action="/envoyer"><input name="_wpcf7" type="hidden"><textarea name="your-message"></textarea></form>
<iframe src="https://share.hsforms.com/1Aa2Bb3Cc4Dd5Ee6Ff7Gg"></iframe></body></html>"""


def test_scan_page_reads_every_page_channel() -> None:
    page = parse_page("https://opticlair.ca/fr/", PAGE)
    found = scan_page(page)
    seen = {(f.technology.name, f.match.channel, f.location) for f in found}
    assert ("Google Analytics 4", "script_src", "script") in seen
    assert ("Crisp", "inline", "script") in seen
    assert ("Calendly", "dom", "nav") in seen
    assert ("Mailchimp", "dom", "form") in seen
    assert ("Contact Form 7", "dom", "form") in seen
    assert ("HubSpot forms", "iframe", "body") in seen
    assert ("Trustpilot", "meta", "meta") in seen
    assert {f.match.channel for f in found} <= set(PAGE_CHANNELS)
    assert scan_page(page) is found  # cached for the other rules


def test_helpers_group_by_category_and_vendor() -> None:
    prints = fingerprints()
    assert "Zoho SalesIQ" in prints.in_categories("chat")
    assert {"HubSpot", "Marketo", "Salesforce"} <= prints.vendors_in("marketing-automation")
