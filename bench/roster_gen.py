#!/usr/bin/env python3
"""Writes a roster CSV (one row per household: its first resident) from a GridAtlas atlas, as a
community worker's Excel export would hold it: 序号, 姓名, 性别, 出生日期, 身份证号, 联系电话, 住址,
与户主关系, 是否党员, 党员类型, 所在支部, 残疾, 低保, 独居老人, plus the household's x, y (so that
ogr2ogr can load the same file as points for the benchmark).

Addresses come in the shapes rosters hold, chosen per row: 湖西社区6栋2单元501室, compound-local
华府嘉园1号楼2单元5层01, dashed 6-2-501, full-width digits with spaces, Chinese numerals
(六栋二单元五〇一), 6幢2单元0501. Deterministic (no randomness: the shape follows the household id).

Usage: /usr/bin/python3 bench/roster_gen.py ATLAS.sqlite OUT.csv [--limit N] [--gbk]
"""
import argparse
import sqlite3
import struct
import sys

CN = "〇一二三四五六七八九"
TYPES = {"full": "正式党员", "probationary": "预备党员", "mobile": "流动党员", "in_service": "在职党员"}


def cn_number(n):
    if n < 10:
        return CN[n] if n else "零"
    if n < 20:
        return "十" + (CN[n % 10] if n % 10 else "")
    if n < 100:
        return CN[n // 10] + "十" + (CN[n % 10] if n % 10 else "")
    return "".join(CN[int(c)] for c in str(n))


def full_width(s):
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in s)


def point_xy(blob):
    # SpatiaLite point blob: 0x00, endian, srid(4), mbr(32), 0x7C, class(4), x(8), y(8), 0xFE
    if blob is None or len(blob) < 60:
        return "", ""
    e = "<" if blob[1] == 1 else ">"
    x, y = struct.unpack(e + "dd", blob[43:59])
    return "%.2f" % x, "%.2f" % y


def address(hid, comm, number, compound, bname, unit, floor, room, unique_names):
    n = "".join(c for c in number if c.isdigit()) or number
    shape = hid % 6
    local = None
    # The compound-local form only where the name is unique in the community: the demo district
    # repeats compound names, and the importer rightly rejects "红星小区2号楼" when two 红星小区 have one.
    if compound and bname and bname.startswith(compound) and bname.endswith("号楼") and (comm, bname) in unique_names:
        local = bname[len(compound):-2]
    if shape == 1 and local:
        flat = int(room) % 100 if room.isdigit() else None
        if flat is not None:
            return "%s%s%s号楼%d单元%d层%02d" % (comm, compound, local, unit, floor, flat)
    if shape == 2:
        return "%s%s-%d-%s" % (comm, n, unit, room)
    if shape == 3:
        return "%s %s栋 %s单元 %s" % (comm, full_width(n), full_width(str(unit)), full_width(room))
    if shape == 4 and n.isdigit() and room.isdigit():
        return "%s%s栋%s单元%s" % (comm, cn_number(int(n)), cn_number(unit), "".join(CN[int(c)] for c in room))
    if shape == 5 and room.isdigit():
        return "%s%s幢%d单元%04d" % (comm, n, unit, int(room))
    return "%s%s%d单元%s室" % (comm, number, unit, room)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("atlas")
    ap.add_argument("out")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--gbk", action="store_true", help="write GB18030 (as Excel on Chinese Windows)")
    a = ap.parse_args()
    db = sqlite3.connect("file:%s?mode=ro" % a.atlas, uri=True)
    sql = """
    SELECT h.id, c.name, b.number, b.compound, b.name, u.number, h.floor, h.room, h.geom,
           h.minimum_income, h.elderly_alone,
           r.name, r.gender, r.birth_year, r.id_number, r.phone, r.relation, r.is_member, r.member_type, r.branch,
           r.disability
    FROM households h
    JOIN units u ON u.id = h.unit_id
    JOIN buildings b ON b.id = u.building_id
    JOIN communities c ON c.id = b.community_id
    JOIN residents r ON r.id = (SELECT MIN(id) FROM residents WHERE household_id = h.id)
    ORDER BY h.id""" + (" LIMIT %d" % a.limit if a.limit else "")
    unique_names = set()
    seen = {}
    for comm, bname in db.execute("SELECT c.name, b.name FROM buildings b JOIN communities c ON c.id = b.community_id"):
        seen[(comm, bname)] = seen.get((comm, bname), 0) + 1
    unique_names = {k for k, v in seen.items() if v == 1}
    enc = "gb18030" if a.gbk else "utf-8-sig"
    with open(a.out, "w", encoding=enc, newline="") as f:
        f.write("序号,姓名,性别,出生日期,身份证号,联系电话,住址,与户主关系,是否党员,党员类型,所在支部,残疾,低保,独居老人,x,y\r\n")
        k = 0
        for (hid, comm, number, compound, bname, unit, floor, room, geom, low, alone,
             name, gender, birth, idn, phone, rel, member, mtype, branch, dis) in db.execute(sql):
            k += 1
            x, y = point_xy(geom)
            idn = idn or ""
            birth_text = "%s-%s-%s" % (idn[6:10], idn[10:12], idn[12:14]) if len(idn) == 18 else (str(birth) if birth else "")
            f.write(",".join([
                str(k), name, "男" if gender == "M" else "女" if gender == "F" else "", birth_text, idn, phone or "",
                address(hid, comm, number, compound or "", bname or "", unit, floor, room, unique_names), rel or "",
                "是" if member else "否", TYPES.get(mtype, "") if member else "", (branch or "") if member else "",
                "是" if dis else "否", "是" if low else "否", "是" if alone else "否", x, y]) + "\r\n")
    print("wrote %s: %d rows" % (a.out, k), file=sys.stderr)


if __name__ == "__main__":
    main()
