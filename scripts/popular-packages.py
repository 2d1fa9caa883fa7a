#!/usr/bin/env python3
"""Regenerates crates/deps/data/popular/: the popularity lists the typosquat check ships.

    scripts/popular-packages.py PACKAGE_LIST_DIR [CARGO_REGISTRY_SRC ...]

PACKAGE_LIST_DIR holds the registries' package lists (pypi.tsv, npm.tsv, go-partial.tsv;
on the build machines /usr/share/package-lists/). CARGO_REGISTRY_SRC defaults to every
folder under ~/.cargo/registry/src/. Python 3 standard library only. See
crates/deps/data/popular/README.md for what each file holds and why.
"""

import csv
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


def pypi(list_dir):
    """PyPI: the 15,000 most downloaded projects carry a rank in column 4."""
    ranked = {}
    for row in read_tsv(os.path.join(list_dir, "pypi.tsv")):
        if len(row) > 3 and row[3].strip().isdigit():
            ranked.setdefault(row[0], int(row[3]))
    by_rank = sorted(ranked, key=lambda n: (ranked[n], n))
    return by_rank[:PYPI_TARGETS], sorted(by_rank[PYPI_TARGETS:])


def npm(list_dir):
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
    known = sorted(n for n in by_downloads[NPM_TARGETS:] if downloads[n] >= NPM_KNOWN_MIN_MONTHLY)
    return targets, known, sorted(removed)


def crates(registry_dirs):
    """crates.io: the seed is the target tier; the names unpacked in the local cargo
    registry cache (the dependency closures of real projects built on this machine)
    are established enough never to be flagged themselves."""
    seed = list(dict.fromkeys(CRATES_SEED.split()))
    versioned = re.compile(r"^(.+?)-(\d+\.\d+\.\d+.*)$")
    cached = set()
    for d in registry_dirs:
        for entry in os.listdir(d):
            m = versioned.match(entry)
            if m:
                cached.add(m.group(1))
    seed_keys = {n.lower().replace("_", "-") for n in seed}
    known = sorted(n for n in cached if n.lower().replace("_", "-") not in seed_keys)
    return seed, known


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
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    list_dir = argv[1]
    registry_dirs = argv[2:] or glob.glob(os.path.expanduser("~/.cargo/registry/src/*/"))
    os.makedirs(OUT, exist_ok=True)

    targets, known = distinct("pypi", *pypi(list_dir))
    write("pypi-targets.txt", targets)
    write("pypi-known.txt", known)
    targets, known, removed = npm(list_dir)
    targets, known = distinct("npm", targets, known)
    write("npm-targets.txt", targets)
    write("npm-known.txt", known)
    write("npm-removed.txt", removed)
    targets, known = distinct("crates", *crates(registry_dirs))
    write("crates-targets.txt", targets)
    write("crates-known.txt", known)
    targets, known = distinct("go", *go(list_dir))
    write("go-targets.txt", targets)
    write("go-known.txt", known)
    print(f"made {datetime.date.today().isoformat()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
