"""Check the demo region's labels against its sites and against the paper's Table 2.

    python tools/check_labels.py PATH/TO/table2.csv [--demo DEMO_DIR] [--verbose]

Checks, for labels.csv (one row per firm and letter a..y):
  * format: header, 25 rows per firm of firms.csv, present in {1, 0, na}, na exactly for the letters
    Table 2 marks as not web-observable (m, t, u);
  * evidence: every evidence_file exists under sites/ and contains its quote; the quote of a present
    (=1) row must be in the page's visible text or in an attribute value (not only in a comment or a
    script), a trap quote (present=0) may be anywhere in the source;
  * counts: for every letter, the number of entry and post-entry firms marked present equals the
    entry_firms / post_entry_firms columns of table2.csv;
  * reachability: every evidence file is reached by following <a href> links from the firm's home
    page "/", on the firm's own hosts (the domain, www.domain and subdomains), resolving a path the
    way the demo's static server does (PATH, else PATH.html, else PATH/index.html; www.X falls back
    to the folder X). Links inside HTML comments are not followed.
Prints a per-firm summary; exits 1 on any error.
"""
import argparse
import csv
import html
import os
import re
import sys
from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

HEADER = ['site', 'letter', 'present', 'evidence_file', 'quote', 'certainty', 'notes']
LETTERS = 'abcdefghijklmnopqrstuvwxy'


def norm(s):
    return re.sub(r'\s+', ' ', html.unescape(s)).strip()


class PageParser(HTMLParser):
    """Collects visible text, attribute values, script/comment text and <a href> links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.attrs, self.hidden, self.links = [], [], [], []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ('script', 'style', 'noscript', 'template'):
            self._skip += 1
        for name, value in attrs:
            if value:
                self.attrs.append(value)
                if tag == 'a' and name == 'href':
                    self.links.append(value)

    def handle_endtag(self, tag):
        if tag in ('script', 'style', 'noscript', 'template') and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        (self.hidden if self._skip else self.text).append(data)

    def handle_comment(self, data):
        self.hidden.append(data)


def parse(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        raw = f.read()
    p = PageParser()
    p.feed(raw)
    p.close()
    return raw, p


def resolve(sites, host, path):
    """File under sites/ that the static server returns for host+path, or None."""
    folder = host
    if not os.path.isdir(os.path.join(sites, folder)) and host.startswith('www.'):
        folder = host[4:]
    base = os.path.join(sites, folder)
    if not os.path.isdir(base):
        return None
    p = unquote(path).lstrip('/')
    if '..' in p.split('/'):
        return None
    stem = p.rstrip('/')
    for cand in ([p] if p and not p.endswith('/') else []) + ([stem + '.html'] if stem else []) + \
            [(stem + '/index.html') if stem else 'index.html']:
        full = os.path.join(base, cand)
        if os.path.isfile(full):
            return os.path.relpath(full, sites).replace(os.sep, '/')
    return None


def own_host(host, domain):
    return host == domain or host.endswith('.' + domain)


def crawl(sites, domain):
    """Files reached from https://domain/ by <a href> links; plus broken own-host links."""
    start = resolve(sites, domain, '/')
    seen, broken = set(), set()
    if start is None:
        return seen, {('/', domain)}
    queue = deque([('https://%s/' % domain, start)])
    seen.add(start)
    while queue:
        url, rel = queue.popleft()
        if not re.search(r'(\.html?|/[^./]*)$', rel):
            continue  # PDFs, XML, images: not parsed for links
        _, p = parse(os.path.join(sites, rel))
        for href in p.links:
            href = href.strip()
            if not href or href.startswith(('#', 'mailto:', 'tel:', 'javascript:')):
                continue
            target = urljoin(url, href)
            parts = urlsplit(target)
            host = (parts.hostname or '').lower()
            if parts.scheme not in ('http', 'https') or not own_host(host, domain):
                continue
            found = resolve(sites, host, parts.path or '/')
            if found is None:
                broken.add((target, rel))
            elif found not in seen:
                seen.add(found)
                queue.append((target.split('#')[0], found))
    return seen, broken


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('table2', help="path to the paper's table2.csv")
    ap.add_argument('--demo', default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    help='demo region folder (default: the folder above tools/)')
    ap.add_argument('--verbose', action='store_true')
    args = ap.parse_args(argv)
    demo = args.demo
    sites = os.path.join(demo, 'sites')
    errors = []

    with open(args.table2, encoding='utf-8') as f:
        table2 = {r['letter']: r for r in csv.DictReader(f)}
    with open(os.path.join(demo, 'firms.csv'), encoding='utf-8') as f:
        firms = list(csv.DictReader(f))
    stage = {r['firm_id']: r['stage'] for r in firms}
    for r in firms:
        if r['stage'] not in ('entry', 'post-entry'):
            errors.append('firms.csv: bad stage %r for %s' % (r['stage'], r['firm_id']))
        fs = int(r['first_foreign_sale_year'])
        if (r['stage'] == 'post-entry') != (2026 - fs > 5):
            errors.append('firms.csv: %s stage %s inconsistent with first foreign sale %d' % (r['firm_id'], r['stage'], fs))

    with open(os.path.join(demo, 'labels.csv'), encoding='utf-8', newline='') as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [dict(zip(header, r)) for r in reader]
    if header != HEADER:
        errors.append('labels.csv: header %r != %r' % (header, HEADER))

    seen_pairs = set()
    counts = defaultdict(lambda: {'entry': 0, 'post-entry': 0})
    per_firm = defaultdict(list)
    evidence = defaultdict(set)
    parsed = {}
    for i, r in enumerate(rows, 2):
        fid, letter, present = r['site'], r['letter'], r['present']
        where = 'labels.csv line %d (%s,%s)' % (i, fid, letter)
        if fid not in stage:
            errors.append('%s: unknown firm' % where)
            continue
        if (fid, letter) in seen_pairs:
            errors.append('%s: duplicate' % where)
        seen_pairs.add((fid, letter))
        observable = table2[letter]['web_observable'] != 'no'
        if present not in ('1', '0', 'na'):
            errors.append('%s: present=%r' % (where, present))
        if (present == 'na') == observable:
            errors.append('%s: present=%s but web_observable=%s' % (where, present, table2[letter]['web_observable']))
        if present == '1':
            counts[letter][stage[fid]] += 1
            per_firm[fid].append(letter)
            if not r['evidence_file'] or not r['quote']:
                errors.append('%s: present without evidence' % where)
        ef, quote = r['evidence_file'], r['quote']
        if ef:
            path = os.path.join(sites, ef)
            if not os.path.isfile(path):
                errors.append('%s: evidence file %s missing' % (where, ef))
                continue
            if path not in parsed:
                parsed[path] = parse(path)
            raw, p = parsed[path]
            q = norm(quote)
            visible = norm(' '.join(p.text))
            in_visible = q in visible
            in_attr = any(q in norm(a) for a in p.attrs)
            in_raw = q in norm(raw)
            if present == '1' and not (in_visible or in_attr):
                errors.append('%s: quote not in visible text/attributes of %s: %r' % (where, ef, quote))
            elif not (in_visible or in_attr or in_raw):
                errors.append('%s: quote not in %s: %r' % (where, ef, quote))
            evidence[fid].add(ef)
        elif quote:
            errors.append('%s: quote without evidence_file' % where)
    for fid in stage:
        for letter in LETTERS:
            if (fid, letter) not in seen_pairs:
                errors.append('labels.csv: missing row %s,%s' % (fid, letter))

    for letter in LETTERS:
        t = table2[letter]
        if t['web_observable'] == 'no':
            continue
        want = {'entry': int(t['entry_firms']), 'post-entry': int(t['post_entry_firms'])}
        if counts[letter] != want:
            errors.append('letter %s: present in %d entry / %d post-entry firms, table2 says %d / %d' % (
                letter, counts[letter]['entry'], counts[letter]['post-entry'], want['entry'], want['post-entry']))

    print('%-4s %-22s %-10s %5s %7s  %s' % ('firm', 'domain', 'stage', 'pages', 'tools', 'letters present'))
    for r in firms:
        fid, domain = r['firm_id'], r['domain']
        reached, broken = crawl(sites, domain)
        pages = sorted(x for x in reached if x.endswith('.html'))
        for ef in sorted(evidence[fid]):
            if ef not in reached:
                errors.append('%s: evidence file %s is not reachable from https://%s/' % (fid, ef, domain))
        if args.verbose:
            for target, src in sorted(broken):
                print('   warning: %s links to %s, which the server would not find' % (src, target))
        print('%-4s %-22s %-10s %5d %7d  %s' % (fid, domain, r['stage'], len(pages), len(per_firm[fid]), ' '.join(per_firm[fid])))

    print('\nper letter (entry / post-entry present; table2 in brackets):')
    for letter in LETTERS:
        t = table2[letter]
        if t['web_observable'] == 'no':
            print('  %s  not observable' % letter)
            continue
        firms_with = [fid for fid in stage if letter in per_firm[fid]]
        print('  %s  %d / %d  [%s / %s]  %s' % (letter, counts[letter]['entry'], counts[letter]['post-entry'],
                                               t['entry_firms'], t['post_entry_firms'], ' '.join(firms_with)))
    if errors:
        print('\n%d error(s):' % len(errors))
        for e in errors:
            print('  ' + e)
        return 1
    print('\nOK: %d label rows, evidence found and reachable, counts match table2.' % len(rows))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
