#!/usr/bin/env python3
"""Writes the fuzz seed corpus (fuzz/seeds/<target>/) from the bundled real
lists: a few records of each format, cut at record boundaries and closed
properly, so the fuzzer starts from valid structure. Needs openpyxl for the
two workbook formats. Run from the repository root: python3 fuzz/make_seeds.py
"""
import gzip, io, os, re, zipfile

import openpyxl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")


def data(rel):
    p = os.path.join(ROOT, "data", rel)
    b = open(p, "rb").read()
    return gzip.decompress(b) if b[:2] == b"\x1f\x8b" else b


def put(target, name, b):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, name), "wb").write(b)
    os.makedirs(os.path.join(SEEDS, "detect"), exist_ok=True)
    open(os.path.join(SEEDS, "detect", target + "-" + name), "wb").write(b)


def lines(b, n):
    return b"".join(b.splitlines(keepends=True)[:n])


def xml_cut(b, close_tag, n, tail):
    i = -1
    for _ in range(n):
        j = b.find(close_tag, i + 1)
        if j < 0:
            break
        i = j
    return b[: i + len(close_tag)] + tail


sdn = data("lists/ofac-sdn/2023-12-28/sdn.csv.gz")
put("ofac_csv", "sdn-head.csv", lines(sdn, 40) + b"\x1a")
put("ofac_xml", "cons-2.xml", xml_cut(data("formats/ofac-cons/2018-04-06/consolidated.xml.gz"), b"</sdnEntry>", 3, b"\r\n</sdnList>\r\n"))
enh = zipfile.ZipFile(os.path.join(ROOT, "data/formats/ofac-cons/2025-01-10/CONS_ENHANCED.ZIP")).read("CONS_ENHANCED.XML")
head = xml_cut(enh, b"</entity>", 3, b"\r\n  </entities>\r\n</sanctionsData>\r\n")
# Keep the reference-value tables small: drop nothing, the head is the seed.
put("ofac_enhanced", "cons-enhanced-3.xml", head)
un = data("lists/un-sc/2026-02-27/UN_consolidated.xml.gz")
put("un_xml", "un-3.xml", xml_cut(un, b"</INDIVIDUAL>", 3, b"\n  </INDIVIDUALS>\n  <ENTITIES/>\n</CONSOLIDATED_LIST>\n"))
put("un_xml", "un-2016-2.xml", xml_cut(data("formats/un-sc/2016-02-11-subset/data.xml.gz"), b"</INDIVIDUAL>", 2, b"\n</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n"))
put("uk_ofsi_csv", "conlist-head.csv", lines(data("formats/uk-ofsi/2014-04-02/sanctionsconlist.csv.gz"), 30))
put("us_csl", "csl-head.csv", lines(data("lists/us-csl/2022-05-16/consolidated.csv.gz"), 25))
put("us_bis_dpl", "dpl-head.txt", lines(data("lists/us-bis-dpl/2023-11-30/dpl.txt"), 25))
put("eu_fsf_xml", "eu-2.xml", xml_cut(data("formats/eu-fsf/2016-02-11-subset/data.xml.gz"), b"</ENTITY>", 2, b"\n</WHOLE>\n"))
put("eu_fsf_csv", "eu-head.csv", lines(data("formats/eu-fsf/legacy-csv-excerpt/EUSanctionsShort.csv.gz"), 25))
put("ca_sema", "sema-5.xml", xml_cut(data("lists/ca-sema/2020-04-15/sema-lmes.xml"), b"</record>", 5, b"\n</data-set>\n"))
put("opensanctions", "ftm-3.json", b"""{"id":"t-1","schema":"Person","caption":"Ivan Petrov","properties":{"name":["Ivan Petrov","\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd \xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe\xd0\xb2"],"alias":["Vanya Petrov"],"birthDate":["1970-01-02"],"nationality":["ru"]},"datasets":["test"]}
{"op":"MOD","entity":{"id":"t-2","schema":"Organization","caption":"Acme Trading LLC","properties":{"name":["Acme Trading LLC"],"previousName":["Acme LLC"],"country":["ae"]},"datasets":["test"]}}
{"op":"DEL","entity":{"id":"t-3"}}
""")


def small_xlsx(rel, rows):
    wb = openpyxl.load_workbook(os.path.join(ROOT, "data", rel), read_only=True)
    ws = wb.worksheets[0]
    out = openpyxl.Workbook()
    o = out.active
    for i, row in enumerate(ws.iter_rows(values_only=True)):
        if i >= rows:
            break
        o.append(list(row))
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


put("uk_ofsi_xlsx", "conlist-head.xlsx", small_xlsx("lists/uk-ofsi/2025-04-14/ConList.xlsx", 20))
put("au_dfat", "dfat-head.xlsx", small_xlsx("lists/au-dfat/2024-12-17/regulation8_consolidated.xlsx", 20))
