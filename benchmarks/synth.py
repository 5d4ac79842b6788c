"""A synthetic region of bilingual B2B photonics firms' websites, written as static files.

`generate(out, firms=50, pages=200)` writes `out/sites/<host>/…` (one folder per host, served
by nginx or `auditor.localsites` by Host header), `out/firms.csv` for `auditor crawl` and
`out/manifest.json`. Every firm's site has exactly `pages` HTML pages of about 60 KB, each
with about 60 links (nav, header, footer and body, most of them repeated on every page),
French and English copy, links to the firm's social profiles, mailto: and tel: links, PDF
links (never fetched by any of the crawlers), analytics snippets (gtag.js, Tag Manager,
HubSpot, Hotjar), a newsletter form, robots.txt and a sitemap. Every page is reachable from
the home page in at most three links, so the three crawlers see the same pages.

The content is deterministic (seeded per firm) and written once: a second call with the same
parameters finds the manifest and returns at once.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path

VERSION = 4  # bump when the pages change: an older tree is written again
TLDS = (".ca", ".ca", ".ca", ".com")

FR_SENTENCES = (
    "Depuis sa fondation à Québec, {name} conçoit et fabrique des sources laser pour l'industrie.",
    "Nos ingénieurs d'application accompagnent chaque client de la conception à l'intégration.",
    "Les modules sont assemblés et testés dans notre salle blanche de classe ISO 7.",
    "Notre système qualité est certifié ISO 9001:2015 depuis 2014.",
    "Réservez une démonstration en ligne avec un de nos spécialistes.",
    "Téléchargez la fiche technique pour connaître toutes les spécifications.",
    "Abonnez-vous à notre infolettre pour recevoir nos nouvelles et nos notes d'application.",
    "Rencontrez-nous au kiosque 4521 du salon Photonics West à San Francisco.",
    "Nous présenterons une conférence sur la spectroscopie Raman au congrès de l'Optica.",
    "Nos distributeurs en Europe et en Asie offrent un soutien technique local.",
    "La formation des utilisateurs est offerte sur place ou par vidéoconférence.",
    "Le soutien technique répond du lundi au vendredi, de 8 h à 17 h.",
    "Les détecteurs infrarouges couvrent la bande de 1 à 5 micromètres avec un bruit très faible.",
    "Chaque fibre optique est caractérisée par réflectométrie avant l'expédition.",
    "Nous collaborons avec l'Institut national d'optique et plusieurs universités québécoises.",
    "La stabilité en longueur d'onde atteint quelques picomètres sur vingt-quatre heures.",
    "Le boîtier compact s'intègre facilement dans les systèmes OEM de nos partenaires.",
    "Nos lentilles asphériques sont polies et traitées antireflet dans nos ateliers.",
    "Le contrôleur de température maintient la diode laser à un millième de degré près.",
    "Consultez nos études de cas pour voir comment nos clients utilisent nos produits.",
    "Demandez une soumission en remplissant le formulaire de la page contact.",
    "Les pilotes de courant offrent un bruit inférieur à un microampère efficace.",
    "Nos spectromètres compacts mesurent de l'ultraviolet au proche infrarouge.",
    "L'équipe de recherche publie régulièrement dans des revues scientifiques internationales.",
)
EN_SENTENCES = (
    "Since its founding in Quebec City, {name} has designed and built laser sources for industry.",
    "Our application engineers support every customer from design to integration.",
    "Modules are assembled and tested in our ISO class 7 clean room.",
    "Our quality management system is ISO 9001:2015 certified since 2014.",
    "Book an online demo with one of our specialists.",
    "Download the datasheet for the full specifications.",
    "Subscribe to our newsletter to receive news and application notes.",
    "Meet us at booth 4521 at Photonics West in San Francisco.",
    "We will present a talk on Raman spectroscopy at the Optica conference.",
    "Our distributors in Europe and Asia provide local technical support.",
    "User training is offered on site or by videoconference.",
    "Technical support answers Monday to Friday, 8 a.m. to 5 p.m.",
    "The infrared detectors cover the 1 to 5 micrometre band with very low noise.",
    "Every optical fibre is characterised by reflectometry before shipping.",
    "We collaborate with the National Optics Institute and several Quebec universities.",
    "Wavelength stability reaches a few picometres over twenty-four hours.",
    "The compact housing fits easily into our partners' OEM systems.",
    "Our aspheric lenses are polished and anti-reflection coated in our workshops.",
    "The temperature controller holds the laser diode within a thousandth of a degree.",
    "Read our case studies to see how customers use our products.",
    "Request a quote by filling in the form on the contact page.",
    "The current drivers offer noise below one microampere rms.",
    "Our compact spectrometers measure from the ultraviolet to the near infrared.",
    "The research team publishes regularly in international scientific journals.",
)
FR_NEUTRAL = (  # product copy without any rule's keyword: most of a real page
    "Le faisceau est collimaté par une optique achromatique de grande ouverture.",
    "La puissance de sortie varie de 10 mW à 2 W selon la configuration choisie.",
    "Le refroidissement passif suffit pour la plupart des applications industrielles.",
    "Les connecteurs FC/APC réduisent les réflexions parasites vers la cavité.",
    "La largeur spectrale reste inférieure à 100 kHz sur toute la plage d'accord.",
    "Un obturateur mécanique protège le capteur lors des mises sous tension.",
    "La plage de mesure s'étend de 200 à 1100 nanomètres sans changer de réseau.",
    "Le logiciel pilote le balayage et enregistre les spectres en temps réel.",
    "Chaque unité est rodée pendant quarante-huit heures avant l'emballage.",
    "Le rendement quantique dépasse 80 % à 850 nanomètres.",
    "Les miroirs diélectriques supportent des densités de puissance élevées.",
    "La monture cinématique permet un alignement fin sur deux axes.",
    "Le bruit d'intensité relatif est mesuré sur une bande de 10 Hz à 10 MHz.",
    "Les dimensions du module sont de 120 par 80 par 35 millimètres.",
    "La polarisation est maintenue grâce à une fibre de type PANDA.",
    "Un étalon intégré assure la référence de longueur d'onde absolue.",
    "La tête optique se fixe sur un rail standard de 25 millimètres.",
    "Le temps de montée du détecteur est inférieur à une nanoseconde.",
    "Les réseaux de diffraction sont gravés sur des substrats de silice fondue.",
    "L'alimentation accepte une tension de 12 à 24 volts en courant continu.",
)
EN_NEUTRAL = (
    "The beam is collimated by a large-aperture achromatic lens.",
    "Output power ranges from 10 mW to 2 W depending on the configuration.",
    "Passive cooling is enough for most industrial applications.",
    "FC/APC connectors reduce stray reflections back into the cavity.",
    "Linewidth stays below 100 kHz over the whole tuning range.",
    "A mechanical shutter protects the sensor at power-up.",
    "The measurement range spans 200 to 1100 nanometres without changing gratings.",
    "The software drives the scan and records spectra in real time.",
    "Each unit is burned in for forty-eight hours before packing.",
    "Quantum efficiency exceeds 80 % at 850 nanometres.",
    "Dielectric mirrors withstand high power densities.",
    "The kinematic mount allows fine alignment on two axes.",
    "Relative intensity noise is measured from 10 Hz to 10 MHz.",
    "The module measures 120 by 80 by 35 millimetres.",
    "Polarisation is maintained by a PANDA-type fibre.",
    "A built-in etalon provides an absolute wavelength reference.",
    "The optical head mounts on a standard 25 millimetre rail.",
    "The detector rise time is below one nanosecond.",
    "Diffraction gratings are etched on fused silica substrates.",
    "The power supply accepts 12 to 24 volts DC.",
)
CATEGORIES = {  # slug per language, and the product word used for leaf pages
    "fr": (("lasers", "laser"), ("detecteurs", "detecteur"), ("optiques", "lentille"),
           ("fibres", "fibre"), ("spectrometres", "spectrometre")),
    "en": (("lasers", "laser"), ("detectors", "detector"), ("optics", "lens"),
           ("fibres", "fibre"), ("spectrometers", "spectrometer")),
}
SECTION = {"fr": "produits", "en": "products"}
MISC = {
    "fr": (("entreprise", "Entreprise"), ("nous-joindre", "Nous joindre"),
           ("nouvelles", "Nouvelles"), ("salons", "Salons et événements"),
           ("carrieres", "Carrières")),
    "en": (("company", "Company"), ("contact", "Contact us"), ("news", "News"),
           ("trade-shows", "Trade shows and events"), ("careers", "Careers")),
}
LABELS = {
    "fr": {"home": "Accueil", "other": "English", "docs": "Fiche technique (PDF)",
           "brochure": "Brochure (PDF)", "related": "Produits connexes", "newsletter":
           "Infolettre", "subscribe": "S'abonner", "email": "Courriel", "privacy":
           "Confidentialité", "demo": "Réserver une démonstration", "sales": "Ventes"},
    "en": {"home": "Home", "other": "Français", "docs": "Datasheet (PDF)",
           "brochure": "Brochure (PDF)", "related": "Related products", "newsletter":
           "Newsletter", "subscribe": "Subscribe", "email": "E-mail", "privacy": "Privacy",
           "demo": "Book a demo", "sales": "Sales"},
}
SOCIAL = (
    ("LinkedIn", "https://www.linkedin.com/company/{slug}"),
    ("Facebook", "https://www.facebook.com/{slug}"),
    ("YouTube", "https://www.youtube.com/@{slug}"),
    ("X", "https://x.com/{slug}"),
    ("Instagram", "https://www.instagram.com/{slug}/"),
)


@dataclass(frozen=True, slots=True)
class SynthFirm:
    index: int
    firm_id: str
    slug: str
    host: str  # www.<registered>
    name: str
    stage: str

    @property
    def registered(self) -> str:
        return self.host.removeprefix("www.")

    @property
    def start_url(self) -> str:
        return f"https://{self.host}/"


def firm_list(count: int) -> list[SynthFirm]:
    firms = []
    for i in range(1, count + 1):
        slug = f"synth-photonique-{i:04d}"
        host = f"www.{slug}{TLDS[i % len(TLDS)]}"
        firms.append(SynthFirm(i, f"S{i:04d}", slug, host, f"Synth Photonique {i:04d}",
                               "entry" if i % 2 else "post-entry"))
    return firms


def _paragraph_pool(rng: random.Random, sentences: tuple[str, ...], name: str,
                    count: int) -> list[str]:
    pool = []
    for _ in range(count):
        picked = rng.sample(sentences, rng.randint(3, 6))
        pool.append(" ".join(s.format(name=name) for s in picked))
    return pool


def _style_block(rng: random.Random) -> str:
    """About 6 KB of CSS, as a theme inlines it."""
    rules = []
    for i in range(240):
        rules.append(f".c{i}-{rng.randint(100, 999)} .inner > a:hover{{color:#{rng.randint(0, 0xFFFFFF):06x};"
                     f"margin:{rng.randint(0, 40)}px {rng.randint(0, 40)}px;padding:0 1rem}}")
    return "<style>" + "\n".join(rules) + "</style>"


def _app_script(rng: random.Random) -> str:
    """About 8 KB of inline JavaScript that is not a tracker (a theme's bundle config)."""
    entries = ",".join(f'"k{i}":{{"w":{rng.randint(1, 1200)},"h":{rng.randint(1, 900)},'
                       f'"src":"/wp-content/uploads/2024/0{rng.randint(1, 9)}/img-{i}.webp"}}'
                       for i in range(190))
    return f"<script>window.__THEME__={{{entries}}};</script>"


def _icon(rng: random.Random) -> str:
    points = " ".join(f"{rng.randint(0, 24)},{rng.randint(0, 24)}" for _ in range(24))
    return f'<svg viewBox="0 0 24 24" aria-hidden="true"><polygon points="{points}"/></svg>'


def _trackers(firm: SynthFirm) -> tuple[str, str]:
    """(head snippets, body-end snippets) for the firm's analytics stack; varies by firm."""
    n = firm.index
    head = []
    if n % 5 != 0:  # four firms in five load gtag.js
        head.append(f'<script async src="https://www.googletagmanager.com/gtag/js?id=G-SYN{n:06d}">'
                    "</script><script>window.dataLayer=window.dataLayer||[];function gtag(){"
                    f"dataLayer.push(arguments);}}gtag('js',new Date());gtag('config','G-SYN{n:06d}');"
                    "</script>")
    if n % 3 == 0:
        head.append("<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':"
                    "new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],"
                    "j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src="
                    "'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore"
                    f"(j,f);}})(window,document,'script','dataLayer','GTM-S{n:05d}');</script>")
    if n % 4 == 1:
        head.append("<script>(function(h,o,t,j,a,r){h.hj=h.hj||function(){(h.hj.q=h.hj.q||[])"
                    f".push(arguments)}};h._hjSettings={{hjid:{3000000 + n},hjsv:6}};a=o."
                    "getElementsByTagName('head')[0];r=o.createElement('script');r.async=1;"
                    "r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;a.appendChild(r);})"
                    "(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');</script>")
    body = []
    if n % 4 == 2:
        body.append(f'<script type="text/javascript" id="hs-script-loader" async defer '
                    f'src="//js.hs-scripts.com/{4000000 + n}.js"></script>')
    return "".join(head), "".join(body)


class SiteWriter:
    """Writes one firm's site: the page list, then every page."""

    def __init__(self, firm: SynthFirm, pages: int):
        self.firm = firm
        self.rng = random.Random(firm.index)  # noqa: S311 - synthetic pages, not secrets
        self.paras = {
            "fr": _paragraph_pool(self.rng, FR_SENTENCES + FR_NEUTRAL * 2, firm.name, 300),
            "en": _paragraph_pool(self.rng, EN_SENTENCES + EN_NEUTRAL * 2, firm.name, 300),
        }
        self.style = _style_block(self.rng)
        self.app = _app_script(self.rng)
        self.icons = [_icon(self.rng) for _ in range(12)]
        self.head_trackers, self.body_trackers = _trackers(firm)
        self.plan = self._plan(pages)

    def _plan(self, total: int) -> dict[str, dict[str, object]]:
        """path → {lang, kind, title, children}: homes, categories, misc pages and leaves."""
        plan: dict[str, dict[str, object]] = {
            "/": {"lang": "fr", "kind": "home", "title": "Accueil"},
            "/en/": {"lang": "en", "kind": "home", "title": "Home"},
        }
        cats: list[str] = []
        for lang in ("fr", "en"):
            for slug, _ in CATEGORIES[lang]:
                path = f"/{lang}/{SECTION[lang]}/{slug}"
                plan[path] = {"lang": lang, "kind": "category", "title": slug.title(),
                              "children": []}
                cats.append(path)
            for slug, title in MISC[lang]:
                plan[f"/{lang}/{slug}"] = {"lang": lang, "kind": "misc", "title": title}
        leaves = max(0, total - len(plan))
        for i in range(leaves):
            cat = cats[i % len(cats)]
            lang = str(plan[cat]["lang"])
            word = dict(CATEGORIES[lang])[cat.rsplit("/", 1)[1]]
            path = f"{cat}/{word}-{self.firm.index % 97}-{i:03d}"
            plan[path] = {"lang": lang, "kind": "leaf", "title": f"{word.title()} {i:03d}",
                          "category": cat}
            plan[cat]["children"].append(path)  # type: ignore[union-attr]
        return dict(list(plan.items())[:total])

    def url(self, path: str) -> str:
        return f"https://{self.firm.host}{path}"

    def _link(self, href: str, text: str, cls: str = "") -> str:
        attr = f' class="{cls}"' if cls else ""
        return f'<a href="{href}"{attr}>{text}</a>'

    def page(self, path: str) -> str:
        info = self.plan[path]
        lang = str(info["lang"])
        other = "en" if lang == "fr" else "fr"
        label = LABELS[lang]
        firm = self.firm
        rng = random.Random(zlib.crc32(f"{firm.index}{path}".encode()))  # noqa: S311
        cats = [p for p, i in self.plan.items() if i["kind"] == "category" and i["lang"] == lang]
        misc = [p for p, i in self.plan.items() if i["kind"] == "misc" and i["lang"] == lang]
        home = "/" if lang == "fr" else "/en/"
        other_home = "/en/" if lang == "fr" else "/"

        # header: logo, phone, language switch, contact (4 links)
        header = (f'<header id="masthead" class="site-header"><div class="topbar">'
                  f'{self._link(home, self.icons[0] + firm.name, "logo")}'
                  f'{self._link("tel:+14185550" + f"{firm.index % 1000:03d}", "418 555-0" + f"{firm.index % 1000:03d}")}'
                  f'{self._link(self.url(other_home), label["other"], "lang")}'
                  f'{self._link(misc[1], MISC[lang][1][1], "btn")}</div></header>')
        # nav: categories with two leaves each, misc pages (about 20 links)
        items = []
        for cat in cats:
            children = self.plan[cat].get("children") or []
            sub = "".join(f'<li class="menu-item">{self._link(c, str(self.plan[c]["title"]))}</li>'
                          for c in list(children)[:2])  # type: ignore[arg-type]
            items.append(f'<li class="menu-item has-children">{self._link(cat, str(self.plan[cat]["title"]))}'
                         f'<ul class="sub-menu">{sub}</ul></li>')
        items += [f'<li class="menu-item">{self._link(m, str(self.plan[m]["title"]))}</li>' for m in misc]
        nav = f'<nav class="main-navigation" id="site-navigation"><ul class="menu">{"".join(items)}</ul></nav>'

        # body: copy, related links, documents
        body_parts = [f"<h1>{info['title']} — {firm.name}</h1>"]
        related: list[str] = []
        if info["kind"] == "category":
            related = list(info["children"])  # type: ignore[arg-type]
        elif info["kind"] == "leaf":
            siblings = list(self.plan[str(info["category"])]["children"])  # type: ignore[arg-type]
            related = rng.sample(siblings, min(12, len(siblings)))
        else:
            leaves = [p for p, i in self.plan.items() if i["kind"] == "leaf" and i["lang"] == lang]
            related = rng.sample(leaves, min(12, len(leaves)))
        paras = rng.sample(self.paras[lang], 30)
        for i, para in enumerate(paras):
            block = (f'<div class="col-md-6 content-block c{i}"><div class="inner">'
                     f'{self.icons[i % len(self.icons)]}<h2>{label["related"]} {i}</h2>'
                     f"<p>{para}</p>")
            if i < len(related):
                rel = related[i]
                block += (f'<p>{self._link(rel if i % 3 else self.url(rel), str(self.plan[rel]["title"]))}'
                          f'</p><img src="/wp-content/uploads/{i}.webp" alt="{self.plan[rel]["title"]}">')
            block += "</div></div>"
            body_parts.append(block)
        for extra in related[len(paras):]:
            body_parts.append(f"<p>{self._link(extra, str(self.plan[extra]['title']))}</p>")
        doc = f"/docs/{'fiche-technique' if lang == 'fr' else 'datasheet'}-{zlib.crc32(path.encode()) % 50:02d}.pdf"
        body_parts.append(f'<ul class="downloads"><li>{self._link(doc, label["docs"])}</li>'
                          f'<li>{self._link("/docs/brochure-" + lang + ".pdf", label["brochure"])}</li>'
                          f'<li>{self._link(misc[1] + "#demo", label["demo"])}</li></ul>')
        if info["kind"] == "misc" and path.endswith(("nous-joindre", "contact")):
            body_parts.append(
                f'<form action="{misc[1]}" method="post" class="contact-form">'
                f'<label>Nom <input type="text" name="your-name"></label>'
                f'<label>{label["email"]} <input type="email" name="your-email"></label>'
                f'<label>Message <textarea name="your-message"></textarea></label>'
                f'<button type="submit">Envoyer</button></form>')
        if info["kind"] == "home":
            body_parts.append(
                '<script type="application/ld+json">' + json.dumps({
                    "@context": "https://schema.org", "@type": "Organization", "name": firm.name,
                    "url": self.url("/"), "telephone": f"+1-418-555-0{firm.index % 1000:03d}",
                    "sameAs": [u.format(slug=firm.slug) for _, u in SOCIAL[:3]],
                }) + "</script>")

        # footer: site links, social profiles, e-mail, phone, newsletter form (about 17 links)
        social = "".join(f'<li>{self._link(u.format(slug=firm.slug), self.icons[k + 1] + name)}</li>'
                         for k, (name, u) in enumerate(SOCIAL))
        site_links = "".join(f"<li>{self._link(self.url(p), str(self.plan[p]['title']))}</li>"
                             for p in [home, other_home, *cats[:3], *misc[:3]])
        footer = (
            f'<footer id="colophon" class="site-footer"><div class="footer-widgets">'
            f'<ul class="footer-menu">{site_links}</ul><ul class="social">{social}</ul>'
            f'<p>{self._link("mailto:info@" + firm.registered, "info@" + firm.registered)} · '
            f'{self._link("mailto:ventes@" + firm.registered, label["sales"])} · '
            f'{self._link("tel:+14185550" + f"{firm.index % 1000:03d}", "418 555-0" + f"{firm.index % 1000:03d}")}</p>'
            f'<form class="newsletter" action="https://{firm.host}/newsletter" method="post">'
            f'<h3>{label["newsletter"]}</h3><input type="email" name="email" placeholder="{label["email"]}">'
            f'<button>{label["subscribe"]}</button></form>'
            f'<p class="copyright">© 2025 {firm.name}. {self._link(misc[0] + "#privacy", label["privacy"])}</p>'
            f"</div></footer>"
        )
        title = f"{info['title']} | {firm.name}"
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}-CA"><head><meta charset="utf-8">'
            f"<title>{title}</title>"
            f'<meta name="description" content="{self.paras[lang][0][:150]}">'
            f'<meta property="og:title" content="{title}"><meta property="og:type" content="website">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="alternate" hreflang="{other}" href="{self.url(other_home)}">'
            f'<link rel="stylesheet" href="/wp-content/themes/synth/style.css?ver=6.4">'
            f"{self.style}{self.head_trackers}</head>"
            f'<body class="page-template-default page">{header}{nav}'
            f'<main id="main" class="site-main"><article class="entry">{"".join(body_parts)}</article></main>'
            f"{footer}{self.app}{self.body_trackers}</body></html>\n"
        )

    def write(self, root: Path) -> int:
        site = root / self.firm.host
        written = 0
        for path in self.plan:
            target = site / (path.strip("/") + ".html" if path not in ("/", "/en/") else
                             path.strip("/") + "/index.html").lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            data = self.page(path).encode("utf-8")
            target.write_bytes(data)
            written += len(data)
        (site / "robots.txt").write_text(
            f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {self.url('/sitemap.xml')}\n",
            encoding="utf-8")
        locs = "".join(f"<url><loc>{self.url(p)}</loc></url>" for p in self.plan)
        (site / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>', encoding="utf-8")
        return written


def generate(out: Path, firms: int = 50, pages: int = 200) -> dict[str, object]:
    """Write the region under `out` (once per parameters) and return its manifest."""
    manifest_file = out / "manifest.json"
    wanted = {"version": VERSION, "firms": firms, "pages": pages}
    if manifest_file.is_file():
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        if all(manifest.get(k) == v for k, v in wanted.items()):
            return manifest
    if out.exists():
        shutil.rmtree(out)
    sites = out / "sites"
    sites.mkdir(parents=True)
    total_bytes = 0
    rows = []
    for firm in firm_list(firms):
        writer = SiteWriter(firm, pages)
        total_bytes += writer.write(sites)
        rows.append(firm)
    with (out / "firms.csv").open("w", newline="", encoding="utf-8") as handle:
        writer_csv = csv.writer(handle)
        writer_csv.writerow(["firm_id", "domain", "name", "stage", "region"])
        for firm in rows:
            writer_csv.writerow([firm.firm_id, firm.start_url, firm.name, firm.stage, "Synth"])
    manifest = {**wanted, "hosts": [f.host for f in rows],
                "start_urls": [f.start_url for f in rows],
                "mean_page_bytes": round(total_bytes / max(1, firms * pages))}
    manifest_file.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--firms", type=int, default=50)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    result = generate(args.out, args.firms, args.pages)
    print(json.dumps({k: v for k, v in result.items() if k not in ("hosts", "start_urls")}))
