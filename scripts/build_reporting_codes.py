"""Build the reporting codes the national exchange needs (run once; the output is committed).

- ``eap/data/department_codes.csv``: every department's 统一社会信用代码 (GB 32100), the SPBMBM
  of its rows. A government organ's code is ``11`` + its region + a GB 11714 organisation code
  + the check character. The organisation codes here are illustrative (derived from the
  department's code), shaped and checked exactly like real ones; a province replaces the file
  with its register's values before going live.
- ``eap/data/item_codes.csv``: the 实施清单 code (SPSXBM) each city lists an item under: the
  implementing department's USCC, a five-digit basic-item number and a three-digit business
  item number.

Usage: ``PYTHONPATH=. python scripts/build_reporting_codes.py``
"""

from __future__ import annotations

import csv
import hashlib
import tomllib
from pathlib import Path

from eap.services.core.identifiers import uscc_check_char

DATA = Path(__file__).resolve().parents[1] / "eap" / "data"
ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_check_char(body: str) -> str:
    """GB 11714 check character of an eight-character organisation code."""
    total = sum(ORG_CHARS.index(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def department_uscc(department_code: str) -> str:
    region = department_code.split("-")[0]
    digest = int(hashlib.sha256(department_code.encode()).hexdigest(), 16)
    body = f"0{digest % 10**7:07d}"
    first17 = f"11{region}{body}{org_check_char(body)}"
    return first17 + uscc_check_char(first17)


def main() -> None:
    with (DATA / "reference.toml").open("rb") as fh:
        kinds = [k["kind"] for k in tomllib.load(fh)["department_kind"]]
    with (DATA / "catalogue.toml").open("rb") as fh:
        items = [(i["code"], i["dept"]) for i in tomllib.load(fh)["item"]]
    with (DATA / "regions.csv").open(encoding="utf-8") as fh:
        regions = list(csv.DictReader(fh))
    with (DATA / "department_codes.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["department_code", "org_code"])
        for r in regions:
            for kind in kinds:
                code = f"{r['code']}-{kind}"
                out.writerow([code, department_uscc(code)])
    with (DATA / "item_codes.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["region_code", "item_code", "listed_code"])
        for r in regions:
            if r["level"] not in ("city", "zone"):
                continue
            for n, (item, dept) in enumerate(items, start=1):
                uscc = department_uscc(f"{r['code']}-{dept}")
                out.writerow([r["code"], item, f"{uscc}{10000 + n:05d}000"])


if __name__ == "__main__":
    main()
