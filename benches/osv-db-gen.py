#!/usr/bin/env python3
"""Generate a synthetic OSV database the size of osv.dev's real per-ecosystem dumps.

Writes <out>/<Ecosystem>/all.zip (deflate, one JSON record per entry, as osv.dev ships
them) and <out>/lookups.txt: 20 `ecosystem name` lines for the lookup benchmark, 16
packages that have advisories (including the most-advised one of each ecosystem) and 4
that have none.

Assumptions (osv.dev's dumps cannot be downloaded here; sizes from their published
shape, rounded):
  npm        200,000 records: 195,000 MAL- (malicious packages, ~1.5-2.5 KB: a short
             summary, the affected versions, the reporting sources) and 5,000 GHSA-
             (~3-6 KB: markdown details, CVSS vector, ranges, 5-10 references)
  PyPI        18,000 records: 9,000 MAL-, 6,000 GHSA- and 3,000 PYSEC- (PYSEC lists
             every affected version explicitly, ~4-8 KB)
  Go           6,000 records: GO- and GHSA- (~3-5 KB, module paths, several packages)
  crates.io    2,000 records: RUSTSEC- and GHSA- (~2-4 KB)
A GHSA/PYSEC/GO/RUSTSEC record's package is drawn from a small pool of popular names
(so popular packages have dozens of advisories, as lodash or django do); MAL- records
name mostly unique throwaway packages. The text is random words: it compresses about
as well as real advisory prose (4-6x).

Usage: osv-db-gen.py OUT_DIR [--scale 1.0]
"""
import json
import os
import random
import sys
import zipfile

WORDS = (
    "the a an of to in is that for attacker remote arbitrary code execution via crafted request "
    "input validation before version versions affected allows denial service memory buffer "
    "overflow prototype pollution path traversal regular expression inefficient complexity "
    "cross site scripting injection command sql header parsing untrusted data deserialization "
    "when user supplied option function parameter library package module users should upgrade "
    "patched fixed release this vulnerability issue was discovered reported maintainers "
    "impact workaround references credit server client token secret exposure leak timing"
).split()

CWES = ["CWE-79", "CWE-89", "CWE-22", "CWE-400", "CWE-1321", "CWE-502", "CWE-94", "CWE-20", "CWE-770"]
SEVERITIES = ["LOW", "MODERATE", "HIGH", "CRITICAL"]


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def details(rng, size):
    parts = ["### Impact\n"]
    while sum(len(p) for p in parts) < size:
        parts.append(words(rng, rng.randint(12, 40)).capitalize() + ".\n")
        if rng.random() < 0.15:
            parts.append("\n### " + words(rng, 2).title() + "\n")
        if rng.random() < 0.1:
            parts.append("\n```js\n" + words(rng, 8) + "\n```\n")
    return "".join(parts)


def version(rng, major_max=12):
    return f"{rng.randint(0, major_max)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"


def stamp(rng, year_from=2017):
    return (
        f"{rng.randint(year_from, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
    )


def ghsa_id(rng):
    alphabet = "23456789cfghjmpqrvwx"
    return "GHSA-" + "-".join("".join(rng.choice(alphabet) for _ in range(4)) for _ in range(3))


def cvss(rng):
    pick = lambda *o: rng.choice(o)
    return (
        f"CVSS:3.1/AV:{pick('N', 'A', 'L')}/AC:{pick('L', 'H')}/PR:{pick('N', 'L', 'H')}/UI:{pick('N', 'R')}"
        f"/S:{pick('U', 'C')}/C:{pick('N', 'L', 'H')}/I:{pick('N', 'L', 'H')}/A:{pick('N', 'L', 'H')}"
    )


def references(rng, package, n):
    kinds = ["ADVISORY", "WEB", "PACKAGE", "FIX", "REPORT"]
    return [
        {"type": rng.choice(kinds), "url": f"https://example.org/{package}/{words(rng, 3).replace(' ', '-')}/{i}"}
        for i in range(n)
    ]


def vuln_record(rng, ecosystem, rec_id, packages, explicit_versions):
    modified = stamp(rng, 2023)
    affected = []
    for name in packages:
        fixed = version(rng)
        entry = {
            "package": {"ecosystem": ecosystem, "name": name, "purl": f"pkg:{ecosystem.lower()}/{name}"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
            "database_specific": {"source": "https://example.org/advisories/" + rec_id + ".json"},
        }
        if explicit_versions:
            entry["versions"] = [version(rng) for _ in range(rng.randint(20, 120))]
        affected.append(entry)
    return {
        "schema_version": "1.6.0",
        "id": rec_id,
        "modified": modified,
        "published": stamp(rng),
        "aliases": [f"CVE-{rng.randint(2017, 2026)}-{rng.randint(1000, 99999)}"],
        "summary": words(rng, rng.randint(6, 14)).capitalize(),
        "details": details(rng, rng.randint(1200, 3500)),
        "severity": [{"type": "CVSS_V3", "score": cvss(rng)}],
        "affected": affected,
        "references": references(rng, packages[0], rng.randint(5, 10)),
        "database_specific": {
            "cwe_ids": rng.sample(CWES, rng.randint(1, 2)),
            "severity": rng.choice(SEVERITIES),
            "github_reviewed": True,
            "github_reviewed_at": modified,
            "nvd_published_at": None,
        },
    }


def mal_record(rng, ecosystem, rec_id, name):
    versions = [version(rng, 3) for _ in range(rng.randint(1, 6))]
    return {
        "schema_version": "1.6.0",
        "id": rec_id,
        "modified": stamp(rng, 2023),
        "published": stamp(rng, 2022),
        "summary": f"Malicious code in {name} ({ecosystem})",
        "details": "\n---\n_-= Per source details. Do not edit below this line.=-_\n\n## Source: ossf-package-analysis ("
        + "".join(rng.choice("0123456789abcdef") for _ in range(64))
        + ")\n"
        + details(rng, rng.randint(200, 900)),
        "affected": [
            {
                "package": {"ecosystem": ecosystem, "name": name},
                "versions": versions,
                "database_specific": {"cwes": [{"cweId": "CWE-506", "name": "Embedded Malicious Code"}]},
            }
        ],
        "credits": [{"name": "OpenSSF: Package Analysis", "type": "FINDER"}],
        "database_specific": {
            "malicious-packages-origins": [
                {
                    "source": "ossf-package-analysis",
                    "sha256": "".join(rng.choice("0123456789abcdef") for _ in range(64)),
                    "import_time": stamp(rng, 2023),
                    "modified_time": stamp(rng, 2023),
                    "versions": versions,
                }
            ]
        },
    }


def npm_name(rng, i):
    stem = "-".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
    return f"@{rng.choice(WORDS)}/{stem}-{i}" if rng.random() < 0.2 else f"{stem}-{i}"


# (ecosystem, vulnerability records, malicious records, id prefixes, popular pool, explicit versions share)
PLAN = [
    ("npm", 5_000, 195_000, ["GHSA"], ["lodash", "express", "axios", "minimist", "node-fetch", "jsonwebtoken"], 0.0),
    ("PyPI", 9_000, 9_000, ["GHSA", "PYSEC"], ["django", "requests", "pillow", "urllib3", "jinja2", "tensorflow"], 0.35),
    ("Go", 6_000, 0, ["GO", "GHSA"], ["github.com/gin-gonic/gin", "golang.org/x/net", "github.com/docker/docker"], 0.0),
    ("crates.io", 2_000, 0, ["RUSTSEC", "GHSA"], ["hyper", "tokio", "openssl", "regex", "smallvec"], 0.0),
]
LOOKUP_KEY = {"npm": "npm", "PyPI": "pypi", "Go": "go", "crates.io": "cargo"}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    scale = float(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--scale" else 1.0
    rng = random.Random(20261130)
    lookups = []
    for ecosystem, vulns, mals, prefixes, popular, versions_share in PLAN:
        vulns, mals = int(vulns * scale), int(mals * scale)
        os.makedirs(os.path.join(out, ecosystem), exist_ok=True)
        path = os.path.join(out, ecosystem, "all.zip")
        tmp = path + ".gen"
        # A long tail of less popular packages besides the most-advised ones.
        pool = popular + [f"{ecosystem.lower().replace('.', '-')}-lib-{i}" for i in range(max(vulns // 4, 1))]
        if ecosystem == "Go":
            pool = popular + [f"github.com/{rng.choice(WORDS)}/{rng.choice(WORDS)}-{i}" for i in range(vulns // 4)]
        tail_hits = []
        raw_bytes = 0
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for i in range(vulns):
                prefix = rng.choice(prefixes)
                rec_id = ghsa_id(rng) if prefix == "GHSA" else f"{prefix}-{rng.randint(2017, 2026)}-{i:05d}"
                count = 1 if rng.random() < 0.8 else rng.randint(2, 3)
                names = [rng.choice(popular) if rng.random() < 0.1 else rng.choice(pool) for _ in range(count)]
                if ecosystem == "Go":
                    names = [n + ("/" + rng.choice(WORDS) if j else "") for j, n in enumerate(names)]
                tail_hits.extend(names)
                record = vuln_record(rng, ecosystem, rec_id, names, rng.random() < versions_share)
                data = json.dumps(record, indent=2)
                raw_bytes += len(data)
                archive.writestr(rec_id + ".json", data)
            mal_names = []
            for i in range(mals):
                name = npm_name(rng, i) if ecosystem == "npm" else f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{i}"
                mal_names.append(name)
                record = mal_record(rng, ecosystem, f"MAL-{2022 + i % 5}-{i}", name)
                data = json.dumps(record, indent=2)
                raw_bytes += len(data)
                archive.writestr(record["id"] + ".json", data)
        os.replace(tmp, path)
        key = LOOKUP_KEY[ecosystem]
        tail = sorted(set(tail_hits) - set(popular))
        picks = [popular[0], popular[1], rng.choice(tail)]
        picks.append(rng.choice(mal_names) if mal_names else rng.choice([n for n in tail if n not in picks]))
        picks.append(f"no-advisories-{ecosystem.lower().replace('.', '-')}")
        lookups.extend(f"{key} {name}" for name in picks)
        print(
            f"{ecosystem}: {vulns + mals} records, {raw_bytes / 1e6:.0f} MB of JSON, "
            f"all.zip {os.path.getsize(path) / 1e6:.0f} MB",
            flush=True,
        )
    with open(os.path.join(out, "lookups.txt"), "w") as f:
        f.write("\n".join(lookups) + "\n")


if __name__ == "__main__":
    main()
