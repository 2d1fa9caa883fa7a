#!/usr/bin/env python3
"""Regenerates crates/deps/data/popular/: the popularity lists the typosquat check ships.

    scripts/popular-packages.py PACKAGE_LIST_DIR [CARGO_REGISTRY_SRC ...] [--locks DIR ...]

PACKAGE_LIST_DIR holds the registries' package lists (pypi.tsv, npm.tsv, go-partial.tsv;
on the build machines /usr/share/package-lists/). CARGO_REGISTRY_SRC defaults to every
folder under ~/.cargo/registry/src/; the crates unpacked there and the registry crates
named in their Cargo.lock files are the crates.io known tier. Each --locks DIR is searched
for npm and PyPI lock files (package-lock.json, uv.lock, poetry.lock, pdm.lock), whose
registry packages join those known tiers. Python 3.11+ standard library only. See
crates/deps/data/popular/README.md for what each file holds and why.
"""

import argparse
import csv
import json
import tomllib
import datetime
import glob
import os
import re
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "deps", "data", "popular")

NPM_TARGETS = 5000  # the most downloaded npm packages, by downloads in a month
NPM_KNOWN_MIN_MONTHLY = 1_000_000  # established: at least this many downloads a month
PYPI_TARGETS = 5000  # the top of PyPI's 15,000 most downloaded projects

# Typed in by hand, in rough order of how widely used they are (our judgement, not a
# measurement): crates.io publishes no download list that this machine can read.
CRATES_SEED = """
serde serde_json serde_derive syn quote proc-macro2 rand libc cfg-if log bitflags
lazy_static once_cell regex regex-syntax itoa ryu memchr tokio tokio-util tokio-macros
tokio-stream futures futures-util futures-core futures-channel futures-io futures-executor
futures-sink futures-task bytes hashbrown indexmap smallvec anyhow thiserror clap clap_builder
clap_derive chrono time getrandom base64 byteorder parking_lot parking_lot_core lock_api
scopeguard either itertools num-traits num-integer num-bigint num_cpus autocfg cc pkg-config
unicode-ident unicode-width unicode-segmentation unicode-normalization url percent-encoding
form_urlencoded idna http http-body httparse hyper hyper-util hyper-tls hyper-rustls reqwest
h2 tower tower-service tower-layer tower-http axum axum-core actix-web actix-rt rocket warp
tracing tracing-core tracing-subscriber tracing-attributes tracing-log env_logger
pretty_env_logger log4rs slog rustls rustls-pemfile rustls-webpki webpki-roots ring
openssl openssl-sys native-tls sha2 sha1 md-5 digest hmac hex aes aes-gcm chacha20poly1305
crypto-common generic-array typenum subtle zeroize rand_core rand_chacha uuid semver toml
toml_edit serde_yaml serde_with bincode postcard rmp-serde ciborium csv flate2 miniz_oxide
zstd brotli tar zip walkdir glob globset ignore tempfile dirs dirs-next directories home which
crossbeam crossbeam-channel crossbeam-utils crossbeam-deque crossbeam-epoch rayon rayon-core
dashmap arc-swap async-trait async-stream async-std async-channel pin-project
pin-project-lite pin-utils slab mio socket2 nix winapi windows windows-sys memmap2 libloading
bindgen cmake prost prost-types tonic protobuf sqlx diesel rusqlite postgres tokio-postgres
redis mongodb sea-orm image png gif jpeg-decoder wgpu winit bevy egui eframe ndarray nalgebra
glam approx criterion proptest quickcheck insta mockall rstest pretty_assertions assert_cmd
predicates serial_test test-log similar strsim heck convert_case indoc textwrap colored
owo-colors termcolor console indicatif dialoguer crossterm ratatui tui atty is-terminal
ansi_term nom pest pest_derive logos lalrpop chumsky winnow combine tera handlebars askama
minijinja pulldown-cmark comrak ammonia html5ever scraper select quick-xml xml-rs roxmltree
serde-xml-rs encoding_rs memoffset static_assertions derive_more strum strum_macros
num_enum enum-iterator bytemuck zerocopy ahash fxhash rustc-hash siphasher fnv seahash
twox-hash blake3 crc32fast adler bstr aho-corasick fancy-regex lru moka cached ordered-float
rust_decimal bigdecimal half fastrand nanorand humantime humantime-serde jiff chrono-tz
dotenv dotenvy config figment confy git2 gix notify inotify signal-hook ctrlc wasm-bindgen
js-sys web-sys wasm-bindgen-futures console_error_panic_hook gloo yew leptos dioxus tauri
ureq curl isahc surf attohttpc jsonwebtoken oauth2 argon2 bcrypt scrypt pbkdf2 ed25519-dalek
x25519-dalek curve25519-dalek k256 p256 ecdsa rsa pem der spki pkcs8 x509-parser rcgen
webpki openssl-probe schannel security-framework core-foundation tokio-rustls
tokio-native-tls tokio-tungstenite tungstenite hickory-resolver trust-dns-resolver
lettre mime mime_guess multer cookie headers sentry opentelemetry prometheus metrics
object gimli addr2line backtrace rustc-demangle libm paste typetag erased-serde dyn-clone
downcast-rs inventory linkme ctor safe-transmute arrayvec tinyvec smol_str compact_str
ecow bumpalo typed-arena slotmap petgraph rowan salsa miette ariadne codespan-reporting
annotate-snippets color-eyre eyre snafu failure error-chain quick-error displaydoc
"""

# Typed in by hand: widely used Go modules (our judgement, not a measurement).
GO_SEED = """
github.com/sirupsen/logrus github.com/spf13/cobra github.com/spf13/viper github.com/spf13/pflag
github.com/stretchr/testify github.com/pkg/errors github.com/google/uuid github.com/gorilla/mux
github.com/gorilla/websocket github.com/gin-gonic/gin github.com/labstack/echo/v4
github.com/gofiber/fiber/v2 github.com/go-chi/chi/v5 github.com/julienschmidt/httprouter
github.com/urfave/cli/v2 github.com/golang/protobuf google.golang.org/protobuf google.golang.org/grpc
github.com/grpc-ecosystem/grpc-gateway/v2 github.com/prometheus/client_golang
github.com/prometheus/common github.com/go-sql-driver/mysql github.com/lib/pq
github.com/jackc/pgx/v5 github.com/mattn/go-sqlite3 gorm.io/gorm github.com/jmoiron/sqlx
github.com/redis/go-redis/v9 github.com/go-redis/redis/v8 go.mongodb.org/mongo-driver
go.uber.org/zap go.uber.org/atomic go.uber.org/multierr go.uber.org/fx go.uber.org/dig
github.com/rs/zerolog github.com/golang-jwt/jwt/v5 github.com/dgrijalva/jwt-go
golang.org/x/crypto golang.org/x/net golang.org/x/sys golang.org/x/text golang.org/x/sync
golang.org/x/oauth2 golang.org/x/time golang.org/x/tools golang.org/x/mod golang.org/x/exp
gopkg.in/yaml.v2 gopkg.in/yaml.v3 github.com/go-yaml/yaml github.com/BurntSushi/toml
github.com/pelletier/go-toml/v2 github.com/json-iterator/go github.com/mitchellh/mapstructure
github.com/hashicorp/go-multierror github.com/hashicorp/hcl github.com/hashicorp/go-retryablehttp
github.com/hashicorp/golang-lru github.com/hashicorp/vault/api github.com/hashicorp/consul/api
github.com/aws/aws-sdk-go github.com/aws/aws-sdk-go-v2 cloud.google.com/go
github.com/Azure/azure-sdk-for-go github.com/docker/docker github.com/docker/go-connections
github.com/opencontainers/image-spec github.com/containerd/containerd k8s.io/client-go
k8s.io/apimachinery k8s.io/api sigs.k8s.io/controller-runtime sigs.k8s.io/yaml
github.com/fatih/color github.com/mattn/go-isatty github.com/mattn/go-colorable
github.com/charmbracelet/bubbletea github.com/charmbracelet/lipgloss github.com/olekukonko/tablewriter
github.com/cenkalti/backoff/v4 github.com/google/go-cmp github.com/google/go-github
github.com/golang/mock go.uber.org/mock github.com/onsi/ginkgo/v2 github.com/onsi/gomega
github.com/davecgh/go-spew github.com/pmezard/go-difflib github.com/gofrs/uuid
github.com/satori/go.uuid github.com/shopspring/decimal github.com/valyala/fasthttp
github.com/nats-io/nats.go github.com/segmentio/kafka-go github.com/Shopify/sarama
github.com/IBM/sarama github.com/streadway/amqp github.com/rabbitmq/amqp091-go
github.com/gocolly/colly github.com/PuerkitoBio/goquery github.com/go-playground/validator/v10
github.com/joho/godotenv github.com/kelseyhightower/envconfig github.com/robfig/cron/v3
github.com/golang/glog github.com/go-logr/logr github.com/klauspost/compress
github.com/cespare/xxhash/v2 github.com/dustin/go-humanize github.com/gorilla/sessions
github.com/minio/minio-go/v7 go.etcd.io/etcd/client/v3 go.etcd.io/bbolt github.com/dgraph-io/badger/v4
github.com/elastic/go-elasticsearch/v8 go.opentelemetry.io/otel github.com/tidwall/gjson
github.com/goccy/go-json github.com/bytedance/sonic github.com/swaggo/swag
"""

SECURITY_PLACEHOLDER = re.compile(r"-security(\.\d+)?$")


def read_tsv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)  # the header names the columns
        for row in rows:
            if row and row[0]:
                yield row


def pypi(list_dir, locked_names=()):
    """PyPI: the 15,000 most downloaded projects carry a rank in column 4."""
    ranked = {}
    for row in read_tsv(os.path.join(list_dir, "pypi.tsv")):
        if len(row) > 3 and row[3].strip().isdigit():
            ranked.setdefault(row[0], int(row[3]))
    by_rank = sorted(ranked, key=lambda n: (ranked[n], n))
    return by_rank[:PYPI_TARGETS], sorted(set(by_rank[PYPI_TARGETS:]) | set(locked_names))


def npm(list_dir, locked_names=()):
    """npm: monthly downloads in column 3. npm's security placeholders (a version
    `0.0.1-security`: the registry took a malicious package down) are no packages to
    trust, however often they are still fetched, so they go to their own file, which
    the tests read as a sample of real squats."""
    downloads, removed = {}, set()
    for row in read_tsv(os.path.join(list_dir, "npm.tsv")):
        if len(row) < 3 or not row[2].isdigit():
            continue
        if SECURITY_PLACEHOLDER.search(row[1]):
            removed.add(row[0])
            continue
        downloads[row[0]] = max(downloads.get(row[0], 0), int(row[2]))
    by_downloads = sorted(downloads, key=lambda n: (-downloads[n], n))
    targets = by_downloads[:NPM_TARGETS]
    known = {n for n in by_downloads[NPM_TARGETS:] if downloads[n] >= NPM_KNOWN_MIN_MONTHLY}
    known |= set(locked_names) - removed
    return targets, sorted(known), sorted(removed)


def cargo_lock_crates(path):
    """The crates.io packages a Cargo.lock pins. Workspace members (no `source`), git and
    path dependencies and other registries are left out: only a crates.io name is a
    name someone could squat there."""
    try:
        with open(path, "rb") as f:
            lock = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return set()
    return {
        p["name"]
        for p in lock.get("package", [])
        if isinstance(p, dict) and isinstance(p.get("name"), str) and is_crates_io(p.get("source", ""))
    }


def is_crates_io(source):
    # `registry+…/crates.io-index` (git index) or `sparse+…index.crates.io/` (sparse).
    return isinstance(source, str) and source.startswith(("registry+", "sparse+")) and "crates.io" in source


def crates(registry_dirs):
    """crates.io: the seed is the target tier. Established enough never to be flagged
    themselves: the crates unpacked in the local cargo registry cache (the dependency
    closures of real projects built on this machine) and every crates.io crate pinned
    by a Cargo.lock that a published crate there ships (what real published projects
    depend on). Returns (seed, known, number of lock files read)."""
    seed = list(dict.fromkeys(CRATES_SEED.split()))
    versioned = re.compile(r"^(.+?)-(\d+\.\d+\.\d+.*)$")
    cached, locks = set(), 0
    for d in registry_dirs:
        for entry in os.listdir(d):
            m = versioned.match(entry)
            if m:
                cached.add(m.group(1))
                lock = os.path.join(d, entry, "Cargo.lock")
                if os.path.isfile(lock):
                    locks += 1
                    cached |= cargo_lock_crates(lock)
    seed_keys = {n.lower().replace("_", "-") for n in seed}
    known = sorted(n for n in cached if n.lower().replace("_", "-") not in seed_keys)
    return seed, known, locks


# Folders whose lock files are test data, not projects: fixtures name invented packages.
NOT_PROJECTS = re.compile(r"(^|/)(tests?|fixtures?|testdata|__fixtures__|examples?)(/|$)")


def lock_files(dirs):
    """(ecosystem, path) of every npm and PyPI lock file under the folders, outside test
    fixtures. A lock file inside an installed npm package is its author's, not a pin of
    what was installed, but still names real packages."""
    wanted = {"package-lock.json": "npm", "uv.lock": "pypi", "poetry.lock": "pypi", "pdm.lock": "pypi"}
    for top in dirs:
        for root, subdirs, files in os.walk(top):
            subdirs.sort()
            relative = os.path.relpath(root, top)
            if NOT_PROJECTS.search(relative.replace(os.sep, "/")):
                subdirs.clear()
                continue
            for f in sorted(files):
                if f in wanted:
                    yield wanted[f], os.path.join(root, f)


def npm_lock_packages(path):
    """Registry packages of a package-lock.json: v2/v3 `packages` keys end in
    `node_modules/NAME`; v1 nests `dependencies`. Links and non-registry sources
    (`file:`, git) are left out."""
    try:
        with open(path, encoding="utf-8") as f:
            lock = json.load(f)
    except (OSError, ValueError):
        return set()
    names = set()
    for key, entry in (lock.get("packages") or {}).items():
        if "node_modules/" in key and isinstance(entry, dict) and from_npm_registry(entry):
            names.add(key.rsplit("node_modules/", 1)[1])

    def walk(deps):
        for name, entry in (deps or {}).items():
            if isinstance(entry, dict):
                if from_npm_registry(entry):
                    names.add(name)
                walk(entry.get("dependencies"))

    walk(lock.get("dependencies"))
    return names


def from_npm_registry(entry):
    """A registry tarball, or (npm can be told to leave `resolved` out) a version with
    an integrity hash and no other source."""
    if entry.get("link") or entry.get("bundled"):
        return False
    resolved = entry.get("resolved")
    if isinstance(resolved, str):
        return resolved.endswith(".tgz") and not resolved.startswith("file:")
    return isinstance(entry.get("version"), str) and isinstance(entry.get("integrity"), str)


def pypi_lock_packages(path):
    """Index packages of a uv, poetry or pdm lock: `[[package]]` tables. uv marks
    registry packages with `source = { registry = … }`; poetry and pdm mark the others
    (`source.type` directory, git, file, url)."""
    try:
        with open(path, "rb") as f:
            lock = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return set()
    names = set()
    for p in lock.get("package", []):
        if not isinstance(p, dict) or not isinstance(p.get("name"), str):
            continue
        source = p.get("source")
        if path.endswith("uv.lock"):
            registry = isinstance(source, dict) and "registry" in source
        else:
            registry = not isinstance(source, dict) or source.get("type") in (None, "legacy")
        if registry:
            names.add(p["name"])
    return names


def locked(dirs):
    """npm and PyPI names pinned by the lock files under the folders."""
    found = {"npm": set(), "pypi": set()}
    counts = {"npm": 0, "pypi": 0}
    for eco, path in lock_files(dirs):
        counts[eco] += 1
        found[eco] |= npm_lock_packages(path) if eco == "npm" else pypi_lock_packages(path)
    for eco in found:
        print(f"{eco} lock files: {counts[eco]}, {len(found[eco])} packages")
    return found


def go(list_dir):
    """Go: the seed is the target tier; go-partial.tsv's modules that the proxy serves
    are the known tier."""
    seed = list(dict.fromkeys(GO_SEED.split()))
    listed = set()
    for row in read_tsv(os.path.join(list_dir, "go-partial.tsv")):
        if len(row) > 1 and row[1].strip() != "not-served" and "." in row[0].split("/")[0]:
            listed.add(row[0])
    return seed, sorted(listed - set(seed))


def registry_key(eco, name):
    """The name as tollgate compares it (crates/deps/src/model.rs, Ecosystem::normalise;
    Go paths lose a /vN suffix)."""
    if eco == "pypi":
        return re.sub(r"[-_.]+", "-", name).lower()
    if eco == "crates":
        return name.lower().replace("_", "-")
    if eco == "go":
        return re.sub(r"/v[0-9]+$", "", name)
    return name


def distinct(eco, targets, known):
    """Drops names that another, earlier one already stands for (the targets come first)."""
    seen, kept = set(), ([], [])
    for tier, names in enumerate((targets, known)):
        for n in names:
            k = registry_key(eco, n)
            if k not in seen:
                seen.add(k)
                kept[tier].append(n)
    return kept


def write(name, names):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        for n in names:
            if "\n" in n or "\t" in n or not n.strip():
                continue
            f.write(n + "\n")
    print(f"{name}: {len(names)} names, {os.path.getsize(path)} bytes")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("list_dir", metavar="PACKAGE_LIST_DIR")
    parser.add_argument("registry_dirs", metavar="CARGO_REGISTRY_SRC", nargs="*")
    parser.add_argument("--locks", metavar="DIR", action="append", default=[])
    args = parser.parse_args(argv[1:])
    list_dir = args.list_dir
    registry_dirs = args.registry_dirs or glob.glob(os.path.expanduser("~/.cargo/registry/src/*/"))
    os.makedirs(OUT, exist_ok=True)
    from_locks = locked(args.locks)

    targets, known = distinct("pypi", *pypi(list_dir, from_locks["pypi"]))
    write("pypi-targets.txt", targets)
    write("pypi-known.txt", known)
    targets, known, removed = npm(list_dir, from_locks["npm"])
    targets, known = distinct("npm", targets, known)
    write("npm-targets.txt", targets)
    write("npm-known.txt", known)
    write("npm-removed.txt", removed)
    targets, known, locks = crates(registry_dirs)
    print(f"Cargo.lock files read: {locks}")
    targets, known = distinct("crates", targets, known)
    write("crates-targets.txt", targets)
    write("crates-known.txt", known)
    targets, known = distinct("go", *go(list_dir))
    write("go-targets.txt", targets)
    write("go-known.txt", known)
    print(f"made {datetime.date.today().isoformat()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
