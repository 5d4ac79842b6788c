"""Write the small PDF files of the demo region's sites.

Each file is a minimal, valid one-page PDF 1.4 (Helvetica, WinAnsi text) with a title and a few
lines, so that crawlers see real PDF documents behind the links (datasheets, application notes,
brochures, catalogues, slides, terms of sale). Output is deterministic (no dates).

    python tools/make_pdfs.py           # (re)write every PDF under sites/
    python tools/make_pdfs.py --check   # exit 1 if a PDF is missing or differs
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SITES = os.path.join(os.path.dirname(HERE), 'sites')

# (path under sites/, title, lines)
PDFS = [
    ('verrelune.ca/docs/fiche-technique-AR-V400.pdf', 'Fiche technique / Datasheet AR-V400', ['Antireflet large bande 400-700 nm', 'Verrelune Photonique inc. - Québec (Québec) Canada', 'Courbe spectrale mesurée, tolérances, essais environnementaux.']),
    ('verrelune.ca/docs/fiche-technique-AR-N1100.pdf', 'Fiche technique / Datasheet AR-N1100', ['Antireflet NIR 900-1700 nm', 'Verrelune Photonique inc. - Québec (Québec) Canada', 'Courbe spectrale mesurée, tolérances, essais environnementaux.']),
    ('verrelune.ca/docs/fiche-technique-DF-550.pdf', 'Fiche technique / Datasheet DF-550', ['Filtre dichroïque passe-haut 550 nm', 'Verrelune Photonique inc. - Québec (Québec) Canada', 'Courbe spectrale mesurée, tolérances, essais environnementaux.']),
    ('verrelune.ca/docs/fiche-technique-HR-1064.pdf', 'Fiche technique / Datasheet HR-1064', ['Miroir laser HR 1064 nm', 'Verrelune Photonique inc. - Québec (Québec) Canada', 'Courbe spectrale mesurée, tolérances, essais environnementaux.']),
    ('brillovia.ca/docs/brochure-brillovia-2025-fr.pdf', 'Brochure Brillovia 2025', ['Capteurs à réseaux de Bragg pour la surveillance des structures', 'Jauges BS-100, sondes BT-200, interrogateur BI-4', 'info@brillovia.com - brillovia.ca']),
    ('brillovia.ca/docs/brochure-brillovia-2025-en.pdf', 'Brillovia brochure 2025', ['Fiber Bragg grating sensors for structural health monitoring', 'BS-100 strain gauges, BT-200 probes, BI-4 interrogator', 'info@brillovia.com - brillovia.ca']),
    ('teraglace.com/files/slides-thz-imaging-basics-technicians.pdf', 'Terahertz imaging basics for technicians (slides)', ['Teraglace Imagerie inc. - 22 slides', '1. What are terahertz waves?  2. Sources and detectors  3. Safety  4. What the camera sees']),
    ('teraglace.com/files/slides-composite-inspection-thz.pdf', 'Inspecting composites with THz waves (slides)', ['Teraglace Imagerie inc. - 18 slides', 'Delaminations, voids, inclusions: examples and limits']),
    ('lasorel.ca/docs/fiche-technique-LD-2000.pdf', 'Fiche technique / Datasheet LD-2000', ['Pilote de diode laser 2 A / 2 A laser diode driver', 'Lasorel Pilotes Laser inc. - Québec']),
    ('lasorel.ca/docs/fiche-technique-LD-500.pdf', 'Fiche technique / Datasheet LD-500', ['Module pilote OEM 500 mA / OEM driver module', 'Lasorel Pilotes Laser inc. - Québec']),
    ('lasorel.ca/docs/fiche-technique-TEC-40.pdf', 'Fiche technique / Datasheet TEC-40', ['Contrôleur TEC 4 A / 4 A TEC controller', 'Lasorel Pilotes Laser inc. - Québec']),
    ('lasorel.ca/docs/app-note-AN012.pdf', "Note d'application AN012", ['Protéger une diode laser contre les transitoires', 'Lasorel Pilotes Laser inc.']),
    ('lasorel.ca/docs/app-note-AN015.pdf', 'Application note AN015', ['Tuning the TEC-40 PID loop for butterfly lasers', 'Lasorel Pilotes Laser inc.']),
    ('iridalys.com/files/iridalys-iris-vnir-datasheet.pdf', 'IRIS-VNIR datasheet', ['Iridalys Imagerie inc. - hyperspectral camera', 'Specifications, dimensions, ordering information']),
    ('iridalys.com/files/iridalys-iris-swir-datasheet.pdf', 'IRIS-SWIR datasheet', ['Iridalys Imagerie inc. - hyperspectral camera', 'Specifications, dimensions, ordering information']),
    ('iridalys.com/files/iridalys-iris-snap-datasheet.pdf', 'IRIS-Snap datasheet', ['Iridalys Imagerie inc. - hyperspectral camera', 'Specifications, dimensions, ordering information']),
    ('iridalys.com/files/gated/iridalys-app-note-AN-101.pdf', 'Application note AN-101', ['Detecting bone fragments in poultry fillets with VNIR imaging', 'Iridalys Imagerie inc.']),
    ('iridalys.com/files/gated/iridalys-app-note-AN-104.pdf', 'Application note AN-104', ['Sorting black plastics with SWIR hyperspectral imaging', 'Iridalys Imagerie inc.']),
    ('iridalys.com/files/gated/iridalys-app-note-AN-107.pdf', 'Application note AN-107', ['Mapping leaf nitrogen from a drone with the IRIS-Snap', 'Iridalys Imagerie inc.']),
    ('iridalys.com/files/iridalys-conditions-of-sale.pdf', 'Iridalys - General conditions of sale', ['Prices, payment, delivery, warranty', 'Iridalys Imagerie inc.']),
    ('quanterre.ca/documents/catalogue-quanterre-2025.pdf', 'Catalogue Quanterre 2025', ['Lentilles, fenêtres, prismes et traitements optiques', 'Quanterre Optique de précision inc. - Québec']),
    ('quanterre.ca/documents/catalogue-quanterre-2025-en.pdf', 'Quanterre 2025 product catalogue', ['Lenses, windows, prisms and optical coatings', 'Quanterre Optique de précision inc. - Québec City']),
    ('quanterre.ca/documents/brochure-traitements-optiques.pdf', 'Brochure - Traitements optiques Quanterre', ['AR, HR, filtres passe-bande, métallisations', 'Quanterre Optique de précision inc.']),
    ('saphirance.com/files/saphirance-terms-and-conditions.pdf', 'Saphirance Lasers - Terms and conditions of sale', ['Quotes, payment, delivery, warranty, limitation of liability', 'Saphirance Lasers inc.']),
]


def _pdf_text(s):
    b = s.encode('cp1252', errors='replace')
    return b.replace(b'\\', b'\\\\').replace(b'(', b'\\(').replace(b')', b'\\)')


def make_pdf(title, lines):
    """Return the bytes of a one-page PDF showing title and lines."""
    content = [b'BT', b'/F1 18 Tf', b'72 720 Td', b'(' + _pdf_text(title) + b') Tj', b'/F2 11 Tf', b'0 -30 Td']
    for line in lines:
        content += [b'(' + _pdf_text(line) + b') Tj', b'0 -16 Td']
    content.append(b'ET')
    stream = b'\n'.join(content) + b'\n'
    info_title = ('<FEFF' + title.encode('utf-16-be').hex().upper() + '>').encode('ascii')
    objects = [
        b'<< /Type /Catalog /Pages 2 0 R >>',
        b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] '
        b'/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>',
        b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
        b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
        b'<< /Length ' + str(len(stream)).encode() + b' >>\nstream\n' + stream + b'endstream',
        b'<< /Title ' + info_title + b' /Producer (auditor demo_region make_pdfs.py) >>',
    ]
    out = bytearray(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += str(i).encode() + b' 0 obj\n' + obj + b'\nendobj\n'
    xref = len(out)
    out += b'xref\n0 ' + str(len(objects) + 1).encode() + b'\n0000000000 65535 f \n'
    for off in offsets:
        out += b'%010d 00000 n \n' % off
    out += (b'trailer\n<< /Size ' + str(len(objects) + 1).encode() + b' /Root 1 0 R /Info 7 0 R >>\n'
            b'startxref\n' + str(xref).encode() + b'\n%%EOF\n')
    return bytes(out)


def main(argv):
    check = '--check' in argv
    bad = 0
    for rel, title, lines in PDFS:
        path = os.path.join(SITES, rel)
        data = make_pdf(title, lines)
        if check:
            if not os.path.isfile(path) or open(path, 'rb').read() != data:
                print('differs or missing:', rel)
                bad += 1
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(data)
    print('%d PDF files %s' % (len(PDFS), 'checked' if check else 'written'))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
