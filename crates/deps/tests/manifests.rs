//! Every reader on a realistic fixture of each format and version
//! (`tests/fixtures/manifests/`), and on malformed inputs with their positions.

use tollgate_deps::manifest::{parse, parse_kind, FileKind, Include, Parsed};
use tollgate_deps::{Dependency, Kind, Requirement, Source};

fn fixture(file: &str) -> String {
    let path = format!("{}/tests/fixtures/manifests/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read(kind: FileKind, file: &str) -> Parsed {
    parse_kind(kind, fixture(file).as_bytes()).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The 1-based line of the first line of `file` that contains `needle`.
fn line_of(file: &str, needle: &str) -> Option<u32> {
    let text = fixture(file);
    let index = text.lines().position(|line| line.contains(needle)).unwrap_or_else(|| panic!("{needle} in {file}"));
    Some(index as u32 + 1)
}

/// The 1-based line of `file` that reads exactly `whole`.
fn line_equal(file: &str, whole: &str) -> Option<u32> {
    fixture(file).lines().position(|line| line == whole).map(|index| index as u32 + 1)
}

fn find<'a>(parsed: &'a Parsed, name: &str) -> &'a Dependency {
    parsed.dependencies.iter().find(|d| d.name == name).unwrap_or_else(|| panic!("no {name} in {parsed:#?}"))
}

fn names(parsed: &Parsed) -> Vec<&str> {
    parsed.dependencies.iter().map(|d| d.name.as_str()).collect()
}

fn resolved(version: &str) -> Requirement {
    Requirement::Resolved(version.to_string())
}

fn range(text: &str) -> Requirement {
    Requirement::Range(text.to_string())
}

/// Errors whose message is the parser's own wording: only the position is asserted.
fn error_at(kind: FileKind, text: &str, position: &str) {
    let message = error(kind, text);
    assert!(message.starts_with(&format!("{position}: ")), "{message}");
}

fn error(kind: FileKind, text: &str) -> String {
    parse_kind(kind, text.as_bytes()).expect_err(text).to_string()
}

#[test]
fn cargo_toml() {
    let file = "cargo/Cargo.toml";
    let parsed = read(FileKind::CargoToml, file);
    assert_eq!(
        names(&parsed),
        [
            "serde",
            "anyhow",
            "tokio",
            "reqwest",
            "ledger-core",
            "vendored-zip",
            "internal-auth",
            "chrono",
            "proptest",
            "cc",
            "windows-sys",
            "nix",
            "tokio"
        ]
    );
    let serde = find(&parsed, "serde");
    assert_eq!(
        (&serde.requirement, serde.kind, serde.direct, serde.locked),
        (&range("1.0.200"), Kind::Normal, true, false)
    );
    assert_eq!(serde.line, line_of(file, "serde = "));
    let renamed = find(&parsed, "reqwest");
    assert_eq!((&renamed.requirement, renamed.kind), (&resolved("0.12.4"), Kind::Optional));
    assert_eq!(find(&parsed, "ledger-core").source, Source::Path("../ledger-core".into()));
    assert_eq!(find(&parsed, "vendored-zip").source, Source::Git("https://git.corp.example/forks/zip.git".into()));
    assert_eq!(find(&parsed, "internal-auth").source, Source::OtherRegistry("corp".into()));
    assert_eq!(find(&parsed, "chrono").line, line_of(file, "[dependencies.chrono]"));
    assert_eq!(find(&parsed, "proptest").kind, Kind::Dev);
    assert_eq!(find(&parsed, "cc").kind, Kind::Build);
    assert_eq!(find(&parsed, "windows-sys").line, line_of(file, "windows-sys"));
    let nix = find(&parsed, "nix");
    assert_eq!((&nix.requirement, nix.kind), (&Requirement::Any, Kind::Dev));
    // `tokio = { workspace = true }` takes the root's requirement, declared in this file.
    let inherited = &parsed.dependencies[parsed.workspace_inherited[0]];
    assert_eq!(parsed.workspace_inherited.len(), 1);
    assert_eq!((inherited.name.as_str(), &inherited.requirement), ("tokio", &range("1.37")));
    assert_eq!(inherited.line, line_of(file, "tokio = { workspace"));
    assert_eq!(parsed.dependencies[12].line, line_of(file, "tokio = { version"));
}

#[test]
fn cargo_toml_member_inherits_without_a_root() {
    let parsed =
        parse("crates/a/Cargo.toml", b"[dependencies]\nserde = { workspace = true, optional = true }\n").unwrap();
    assert_eq!(parsed.workspace_inherited, [0]);
    let serde = &parsed.dependencies[0];
    assert_eq!((&serde.requirement, serde.kind, serde.line), (&Requirement::Any, Kind::Optional, Some(2)));
}

#[test]
fn cargo_lock_versions() {
    let file = "cargo/Cargo-v3.lock";
    let parsed = read(FileKind::CargoLock, file);
    // Local crates (no `source`) are the workspace's own.
    assert_eq!(names(&parsed), ["anyhow", "serde", "serde", "serde_derive", "zip"]);
    let anyhow = find(&parsed, "anyhow");
    assert_eq!(
        (&anyhow.requirement, &anyhow.source, anyhow.locked, anyhow.direct),
        (&resolved("1.0.82"), &Source::Registry, true, true)
    );
    assert_eq!(anyhow.line, line_of(file, "name = \"anyhow\""));
    let serdes: Vec<_> =
        parsed.dependencies.iter().filter(|d| d.name == "serde").map(|d| (d.version(), d.direct)).collect();
    assert_eq!(serdes, [(Some("1.0.200"), true), (Some("0.9.15"), false)]);
    assert!(!find(&parsed, "serde_derive").direct);
    assert_eq!(
        find(&parsed, "zip").source,
        Source::Git(
            "https://git.corp.example/forks/zip.git?branch=fix-crc#3b8f0c2d9e1a4b5c6d7e8f90a1b2c3d4e5f60718".into()
        )
    );

    let parsed = read(FileKind::CargoLock, "cargo/Cargo-v4.lock");
    let auth = find(&parsed, "internal-auth");
    assert_eq!(auth.source, Source::OtherRegistry("https://crates.corp.example/api/v1/index/".into()));
    assert!(auth.direct);
    assert_eq!(find(&parsed, "itoa").source, Source::Registry);

    let parsed = read(FileKind::CargoLock, "cargo/Cargo-v1.lock");
    assert_eq!(names(&parsed), ["libc", "winapi"]);
    assert!(find(&parsed, "libc").direct && !find(&parsed, "winapi").direct);
    assert_eq!(find(&parsed, "winapi").line, Some(14));
}

#[test]
fn package_json() {
    let file = "npm/package.json";
    let parsed = read(FileKind::PackageJson, file);
    let cases: [(&str, Requirement, Source, Kind); 13] = [
        ("react", range("^18.2.0"), Source::Registry, Kind::Normal),
        ("@tanstack/react-query", resolved("5.28.4"), Source::Registry, Kind::Normal),
        ("lodash", range("~4.17.21"), Source::Registry, Kind::Normal),
        ("left-pad", Requirement::Any, Source::Git("github:stevemao/left-pad#v1.3.0".into()), Kind::Normal),
        ("ui-kit", Requirement::Any, Source::Path("workspace:*".into()), Kind::Normal),
        ("local-utils", Requirement::Any, Source::Path("../local-utils".into()), Kind::Normal),
        (
            "tarball-pkg",
            Requirement::Any,
            Source::Url("https://downloads.example.org/tarball-pkg-1.0.0.tgz".into()),
            Kind::Normal,
        ),
        ("chalk", Requirement::Any, Source::Registry, Kind::Normal),
        ("typescript", range(">=5.3 <5.5"), Source::Registry, Kind::Dev),
        ("vitest", range("1.x"), Source::Registry, Kind::Dev),
        ("fsevents", range("~2.3.3"), Source::Registry, Kind::Optional),
        ("react-dom", range("^18.0.0"), Source::Registry, Kind::Normal),
        ("scheduler", Requirement::Any, Source::Registry, Kind::Optional),
    ];
    assert_eq!(parsed.dependencies.len(), cases.len());
    for (dependency, (name, requirement, source, kind)) in parsed.dependencies.iter().zip(cases) {
        assert_eq!(
            (dependency.name.as_str(), &dependency.requirement, &dependency.source, dependency.kind),
            (name, &requirement, &source, kind)
        );
        assert!(dependency.direct && !dependency.locked);
    }
    assert_eq!(find(&parsed, "lodash").line, line_of(file, "\"lodash-es\""));
    // `react` is a key in two sections; each entry has its own line.
    assert_eq!(find(&parsed, "react").line, line_of(file, "\"react\": \"^18"));
    assert_eq!(find(&parsed, "react-dom").line, line_of(file, "\"react-dom\""));
    assert_eq!(find(&parsed, "scheduler").line, line_of(file, "\"scheduler\": \"*\""));
}

#[test]
fn package_lock_v3_nested_scoped_aliased_linked() {
    let file = "npm/package-lock-v3.json";
    let parsed = read(FileKind::PackageLock, file);
    assert_eq!(
        names(&parsed),
        [
            "@tanstack/query-core",
            "@tanstack/react-query",
            "debug",
            "ms",
            "lodash",
            "ms",
            "typescript",
            "clsx",
            "fsevents"
        ]
    );
    let nested = &parsed.dependencies[3];
    assert_eq!(
        (nested.version(), nested.direct, nested.line),
        (Some("2.1.2"), false, line_of(file, "node_modules/debug/node_modules/ms"))
    );
    let hoisted = &parsed.dependencies[5];
    assert_eq!(
        (hoisted.version(), hoisted.kind, hoisted.line),
        (Some("2.1.3"), Kind::Dev, line_of(file, "\"node_modules/ms\""))
    );
    let query = find(&parsed, "@tanstack/react-query");
    assert!(query.direct && query.locked);
    assert_eq!(query.line, line_of(file, "\"node_modules/@tanstack/react-query\""));
    assert!(!find(&parsed, "@tanstack/query-core").direct);
    let lodash = find(&parsed, "lodash");
    assert_eq!((lodash.version(), lodash.direct), (Some("4.17.21"), true));
    let typescript = find(&parsed, "typescript");
    assert_eq!(
        typescript.source,
        Source::OtherRegistry("https://npm.corp.example/artifactory/api/npm/npm-remote/".into())
    );
    assert_eq!((typescript.kind, typescript.direct), (Kind::Dev, true));
    // A workspace's own dependency, installed under it.
    let clsx = find(&parsed, "clsx");
    assert_eq!((clsx.direct, clsx.line), (true, line_of(file, "packages/ui-kit/node_modules/clsx")));
    let fsevents = find(&parsed, "fsevents");
    assert_eq!(fsevents.kind, Kind::Optional);
    assert!(matches!(&fsevents.source, Source::Git(url) if url.starts_with("git+ssh://git@github.com/fsevents/")));
}

#[test]
fn package_lock_v1_tree() {
    let file = "npm/package-lock-v1.json";
    let parsed = read(FileKind::PackageLock, file);
    assert_eq!(names(&parsed), ["accepts", "mime-types", "mime-types", "negotiator", "string-width", "tiny-lib"]);
    let nested = &parsed.dependencies[1];
    assert_eq!(nested.version(), Some("2.1.35"));
    // Not the `"mime-types": "~2.1.34"` of `requires` two lines above.
    let nested_line = fixture(file).lines().position(|l| l.contains("\"mime-types\": {")).map(|i| i as u32 + 1);
    assert_eq!(nested.line, nested_line);
    let top = &parsed.dependencies[2];
    assert_eq!((top.version(), top.kind), (Some("2.1.18"), Kind::Dev));
    assert!(top.line > nested.line);
    let aliased = find(&parsed, "string-width");
    assert_eq!((aliased.version(), aliased.line), (Some("4.2.3"), line_of(file, "string-width-cjs")));
    let git = find(&parsed, "tiny-lib");
    assert_eq!(git.source, Source::Git("github:someone/tiny-lib#2f4e6a8c0b1d3f5e7a9c1b3d5f7e9a1c3b5d7f9e".into()));
}

#[test]
fn yarn_classic() {
    let file = "npm/yarn-classic.lock";
    let parsed = read(FileKind::YarnLock, file);
    assert_eq!(names(&parsed), ["@babel/code-frame", "chalk", "lodash", "private-lib", "tiny-lib"]);
    let frame = find(&parsed, "@babel/code-frame");
    assert_eq!((frame.version(), &frame.source, frame.locked), (Some("7.23.5"), &Source::Registry, true));
    assert_eq!(frame.line, line_of(file, "\"@babel/code-frame@^7.0.0\""));
    assert_eq!(find(&parsed, "lodash").line, line_of(file, "lodash-es@npm"));
    assert_eq!(find(&parsed, "private-lib").source, Source::OtherRegistry("https://npm.corp.example/".into()));
    assert_eq!(find(&parsed, "tiny-lib").source, Source::Git("github:someone/tiny-lib#v2".into()));
}

#[test]
fn yarn_berry() {
    let file = "npm/yarn-berry.lock";
    let parsed = read(FileKind::YarnLock, file);
    // The workspace itself is not a dependency; a patched package is the package.
    assert_eq!(names(&parsed), ["@types/node", "resolve", "resolve", "tiny-lib", "undici-types"]);
    let node = find(&parsed, "@types/node");
    assert_eq!(
        (node.version(), &node.source, node.line),
        (Some("20.11.30"), &Source::Registry, line_of(file, "\"@types/node@npm:^20.11.0\":"))
    );
    let patched = &parsed.dependencies[2];
    assert_eq!(
        (patched.version(), &patched.source, patched.line),
        (Some("1.22.8"), &Source::Registry, line_of(file, "\"resolve@patch:"))
    );
    assert_eq!(
        find(&parsed, "tiny-lib").source,
        Source::Git("https://github.com/someone/tiny-lib.git#commit=2f4e6a8c".into())
    );
}

#[test]
fn pnpm_v5() {
    let file = "npm/pnpm-v5.yaml";
    let parsed = read(FileKind::PnpmLock, file);
    assert_eq!(names(&parsed), ["js-tokens", "react-dom", "react", "typescript"]);
    let dom = find(&parsed, "react-dom");
    assert_eq!((dom.version(), dom.direct, dom.line), (Some("17.0.2"), true, line_of(file, "/react-dom/17.0.2_react")));
    assert!(!find(&parsed, "js-tokens").direct);
    assert_eq!(find(&parsed, "typescript").kind, Kind::Dev);
    assert_eq!(find(&parsed, "react").line, line_of(file, "/react/17.0.2:"));
}

#[test]
fn pnpm_v6() {
    let file = "npm/pnpm-v6.yaml";
    let parsed = read(FileKind::PnpmLock, file);
    assert_eq!(names(&parsed), ["@emotion/react", "loose-envify", "react", "vitest", "tiny-lib"]);
    let emotion = find(&parsed, "@emotion/react");
    assert_eq!(
        (emotion.version(), emotion.direct, emotion.line),
        (Some("11.11.4"), true, line_of(file, "/@emotion/react@11.11.4("))
    );
    // The peer suffix `(react@18.2.0)` above is not `react`'s own key.
    assert_eq!(find(&parsed, "react").line, line_of(file, "/react@18.2.0:"));
    let vitest = find(&parsed, "vitest");
    assert_eq!((vitest.kind, vitest.direct), (Kind::Dev, true));
    let tiny = find(&parsed, "tiny-lib");
    assert_eq!((tiny.version(), tiny.direct), (Some("2.0.0"), true));
    assert_eq!(
        tiny.source,
        Source::Url(
            "https://codeload.github.com/someone/tiny-lib/tar.gz/2f4e6a8c0b1d3f5e7a9c1b3d5f7e9a1c3b5d7f9e".into()
        )
    );
}

#[test]
fn pnpm_v9() {
    let file = "npm/pnpm-v9.yaml";
    let parsed = read(FileKind::PnpmLock, file);
    // `snapshots` repeat `packages` with peers: read once.
    assert_eq!(names(&parsed), ["@types/react", "react-dom", "react", "scheduler", "tiny-lib"]);
    let types = find(&parsed, "@types/react");
    assert_eq!((types.version(), types.kind, types.direct), (Some("18.2.67"), Kind::Dev, true));
    assert_eq!(types.line, line_of(file, "'@types/react@18.2.67':"));
    assert_eq!(find(&parsed, "react").line, line_of(file, "  react@18.2.0:"));
    let scheduler = find(&parsed, "scheduler");
    assert_eq!((scheduler.kind, scheduler.direct), (Kind::Normal, false));
    let tiny = find(&parsed, "tiny-lib");
    assert_eq!(
        (tiny.version(), &tiny.source),
        (Some("2.0.0"), &Source::Url("https://codeload.github.com/someone/tiny-lib/tar.gz/2f4e6a8c".into()))
    );
}

#[test]
fn bun_lock() {
    let file = "npm/bun.lock";
    let parsed = read(FileKind::BunLock, file);
    assert_eq!(names(&parsed), ["@types/bun", "bun-types", "hono", "string-width", "tiny-lib", "@types/node"]);
    let types = find(&parsed, "@types/bun");
    assert_eq!((types.version(), types.kind, types.direct), (Some("1.1.0"), Kind::Dev, true));
    assert_eq!(types.line, line_of(file, "\"@types/bun\": [\"@types"));
    assert_eq!(find(&parsed, "hono").source, Source::OtherRegistry("https://npm.corp.example/".into()));
    let aliased = find(&parsed, "string-width");
    assert_eq!((aliased.version(), aliased.direct), (Some("7.1.0"), true));
    assert_eq!(find(&parsed, "tiny-lib").source, Source::Git("github:someone/tiny-lib#2f4e6a8".into()));
    let nested = find(&parsed, "@types/node");
    assert_eq!((nested.direct, nested.line), (false, line_of(file, "bun-types/@types/node")));
}

#[test]
fn requirements_every_line_form() {
    let file = "python/requirements.txt";
    let parsed = read(FileKind::Requirements, file);
    assert_eq!(
        parsed.includes,
        [
            Include { path: "base-requirements.txt".into(), constraints: false, line: 4 },
            Include { path: "constraints.txt".into(), constraints: true, line: 5 },
        ]
    );
    let corp = Source::OtherRegistry("https://pypi.corp.example/simple".into());
    let cases: [(&str, Requirement, Source, &str); 12] = [
        ("requests", resolved("2.31.0"), corp.clone(), "requests[socks"),
        ("Django", range(">=4.2,<5.0"), corp.clone(), "Django"),
        ("urllib3", range("~=2.2"), corp.clone(), "urllib3"),
        ("cryptography", resolved("42.0.5"), corp.clone(), "cryptography"),
        ("attrs", Requirement::Any, corp.clone(), "attrs"),
        ("numpy", range("== 1.26.*"), corp.clone(), "numpy"),
        (
            "pydantic-core",
            Requirement::Any,
            Source::Url("https://files.example.org/wheels/pydantic_core-2.16.3-cp312-none-any.whl".into()),
            "pydantic-core",
        ),
        (
            "billing-sdk",
            Requirement::Any,
            Source::Git("git+https://github.com/acme/billing-sdk.git@v3.1.0#egg=billing-sdk".into()),
            "billing-sdk",
        ),
        ("./libs/ledger", Requirement::Any, Source::Path("./libs/ledger".into()), "libs/ledger"),
        (
            "feature_flags",
            Requirement::Any,
            Source::Git("git+https://github.com/acme/feature-flags.git@4f2a9c1#egg=feature_flags".into()),
            "feature-flags",
        ),
        (
            "retry-helper",
            Requirement::Any,
            Source::Url("https://downloads.example.org/archives/retry-helper-0.9.1.tar.gz".into()),
            "retry-helper",
        ),
        ("", Requirement::Any, Source::Registry, ""),
    ];
    assert_eq!(parsed.dependencies.len(), cases.len() - 1);
    for (dependency, (name, requirement, source, needle)) in parsed.dependencies.iter().zip(cases) {
        assert_eq!(
            (dependency.name.as_str(), &dependency.requirement, &dependency.source),
            (name, &requirement, &source)
        );
        assert_eq!(dependency.line, line_of(file, needle), "{name}");
    }
}

#[test]
fn requirements_extra_index_only_and_credentials() {
    let text = "--extra-index-url https://pypi.corp.example/simple\nflask==3.0.2\n";
    let parsed = parse("requirements.txt", text.as_bytes()).unwrap();
    assert_eq!(parsed.dependencies[0].source, Source::OtherRegistry("https://pypi.corp.example/simple".into()));
    let text = "-i https://pypi.org/simple/\nflask\n";
    assert_eq!(parse("requirements.in", text.as_bytes()).unwrap().dependencies[0].source, Source::Registry);
}

#[test]
fn pyproject_pep621_and_groups() {
    let file = "python/pyproject-pep621.toml";
    let parsed = read(FileKind::Pyproject, file);
    assert_eq!(
        names(&parsed),
        ["hatchling", "hatch-vcs", "httpx", "pydantic", "sdk-core", "rich", "psycopg", "pytest", "ruff"]
    );
    let httpx = find(&parsed, "httpx");
    // `[tool.uv.sources]` moves it to a fork.
    assert_eq!(
        (&httpx.requirement, &httpx.source),
        (&range(">=0.27"), &Source::Git("https://github.com/acme/httpx-fork".into()))
    );
    assert_eq!(httpx.line, line_of(file, "\"httpx>="));
    assert_eq!(find(&parsed, "pydantic").requirement, resolved("2.6.4"));
    assert_eq!(find(&parsed, "sdk-core").source, Source::Git("git+https://github.com/acme/sdk-core.git@v1.0.0".into()));
    assert_eq!(find(&parsed, "rich").requirement, Requirement::Any);
    let psycopg = find(&parsed, "psycopg");
    assert_eq!((&psycopg.requirement, psycopg.kind), (&range("~=3.1"), Kind::Optional));
    assert_eq!(find(&parsed, "pytest").kind, Kind::Dev);
    assert_eq!(find(&parsed, "ruff").line, line_of(file, "ruff=="));
    assert_eq!(find(&parsed, "hatchling").kind, Kind::Build);
}

#[test]
fn pyproject_poetry() {
    let file = "python/pyproject-poetry.toml";
    let parsed = read(FileKind::Pyproject, file);
    assert_eq!(
        names(&parsed),
        ["pandas", "openpyxl", "boto3", "internal-charts", "pdfgen", "numpy", "numpy", "pytest", "mypy"]
    );
    assert_eq!(find(&parsed, "openpyxl").requirement, resolved("3.1.2"));
    let boto = find(&parsed, "boto3");
    assert_eq!((&boto.requirement, boto.kind), (&range(">=1.34,<2"), Kind::Optional));
    assert_eq!(find(&parsed, "internal-charts").source, Source::OtherRegistry("corp".into()));
    assert_eq!(find(&parsed, "pdfgen").source, Source::Git("https://github.com/acme/pdfgen.git".into()));
    let numpy: Vec<_> =
        parsed.dependencies.iter().filter(|d| d.name == "numpy").map(|d| d.requirement.clone()).collect();
    assert_eq!(numpy, [range("^1.26"), range("^2.0")]);
    let pytest = find(&parsed, "pytest");
    assert_eq!(
        (&pytest.requirement, pytest.kind, pytest.line),
        (&Requirement::Any, Kind::Dev, line_of(file, "pytest ="))
    );
}

#[test]
fn poetry_lock() {
    let file = "python/poetry.lock";
    let parsed = read(FileKind::PoetryLock, file);
    assert_eq!(names(&parsed), ["numpy", "pdfgen", "pytest", "boto3", "internal-charts"]);
    let pdfgen = find(&parsed, "pdfgen");
    assert_eq!(
        pdfgen.source,
        Source::Git("https://github.com/acme/pdfgen.git#8c1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e".into())
    );
    assert_eq!(pdfgen.line, line_of(file, "name = \"pdfgen\""));
    assert_eq!(find(&parsed, "boto3").kind, Kind::Optional);
    assert_eq!(
        find(&parsed, "internal-charts").source,
        Source::OtherRegistry("https://pypi.corp.example/simple".into())
    );
    assert!(parsed.dependencies.iter().all(|d| d.locked && !d.direct));

    let parsed = read(FileKind::PoetryLock, "python/poetry-legacy.lock");
    assert_eq!((find(&parsed, "requests").kind, find(&parsed, "pytest").kind), (Kind::Normal, Kind::Dev));
}

#[test]
fn uv_lock_with_git_and_path_sources() {
    let file = "python/uv.lock";
    let parsed = read(FileKind::UvLock, file);
    // The project itself (`source = { editable = "." }`) is not a dependency.
    assert_eq!(names(&parsed), ["anyio", "corp-auth", "idna", "psycopg", "pytest", "sdk-core", "vendored-tool"]);
    let sdk = find(&parsed, "sdk-core");
    assert_eq!(
        (&sdk.source, sdk.direct),
        (
            &Source::Git(
                "https://github.com/acme/sdk-core.git?rev=v1.0.0#5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f".into()
            ),
            true
        )
    );
    assert_eq!(sdk.line, line_equal(file, "name = \"sdk-core\""));
    assert_eq!(find(&parsed, "corp-auth").source, Source::OtherRegistry("https://pypi.corp.example/simple".into()));
    let anyio = find(&parsed, "anyio");
    assert_eq!((anyio.version(), &anyio.source, anyio.direct), (Some("4.3.0"), &Source::Registry, true));
    assert!(!find(&parsed, "idna").direct);
    assert_eq!(find(&parsed, "psycopg").kind, Kind::Optional);
    assert_eq!(find(&parsed, "pytest").kind, Kind::Dev);
    assert_eq!(
        find(&parsed, "vendored-tool").source,
        Source::Path("vendor/vendored_tool-0.1.0-py3-none-any.whl".into())
    );
}

#[test]
fn pipfile_lock() {
    let file = "python/Pipfile.lock";
    let parsed = read(FileKind::PipfileLock, file);
    assert_eq!(names(&parsed), ["certifi", "corp-auth", "flags", "pytest"]);
    let certifi = find(&parsed, "certifi");
    assert_eq!(
        (certifi.version(), &certifi.source, certifi.line),
        (Some("2024.2.2"), &Source::Registry, line_of(file, "\"certifi\""))
    );
    assert_eq!(find(&parsed, "corp-auth").source, Source::OtherRegistry("https://pypi.corp.example/simple".into()));
    assert_eq!(find(&parsed, "flags").source, Source::Git("https://github.com/acme/feature-flags.git#4f2a9c1e".into()));
    let pytest = find(&parsed, "pytest");
    assert_eq!((pytest.kind, pytest.line), (Kind::Dev, line_of(file, "\"pytest\"")));
}

#[test]
fn pylock() {
    let file = "python/pylock.toml";
    let parsed = parse("pylock.toml", fixture(file).as_bytes()).unwrap();
    assert_eq!(names(&parsed), ["attrs", "corp-auth", "sdk-core", "ledger"]);
    let attrs = find(&parsed, "attrs");
    assert_eq!(
        (attrs.version(), &attrs.source, attrs.line),
        (Some("23.2.0"), &Source::Registry, line_of(file, "name = \"attrs\""))
    );
    assert_eq!(find(&parsed, "corp-auth").source, Source::OtherRegistry("https://pypi.corp.example/simple".into()));
    let sdk = find(&parsed, "sdk-core");
    assert_eq!(
        (&sdk.requirement, &sdk.source),
        (&Requirement::Any, &Source::Git("https://github.com/acme/sdk-core.git#5e6f7a8b".into()))
    );
    assert_eq!(find(&parsed, "ledger").source, Source::Path("./libs/ledger".into()));
}

#[test]
fn go_mod() {
    let file = "go/go.mod";
    let parsed = read(FileKind::GoMod, file);
    assert_eq!(
        names(&parsed),
        [
            "github.com/gorilla/mux",
            "github.com/acme/logrus",
            "golang.org/x/sys",
            "github.com/quoted/path",
            "github.com/acme/internal-auth",
            "github.com/pkg/errors"
        ]
    );
    let mux = find(&parsed, "github.com/gorilla/mux");
    assert_eq!(
        (mux.version(), mux.direct, mux.locked, mux.line),
        (Some("v1.8.1"), true, false, line_of(file, "gorilla/mux"))
    );
    assert!(!find(&parsed, "golang.org/x/sys").direct);
    assert!(!find(&parsed, "github.com/pkg/errors").direct);
    // Replaced by a fork: the fork at its version is what gets built.
    let fork = find(&parsed, "github.com/acme/logrus");
    assert_eq!((fork.version(), fork.line), (Some("v1.9.4-patched"), line_of(file, "sirupsen/logrus v1.9.3")));
    let local = find(&parsed, "github.com/acme/internal-auth");
    assert_eq!(
        (&local.source, local.line),
        (&Source::Path("../internal-auth".into()), line_of(file, "require github.com/acme/internal-auth"))
    );
}

#[test]
fn go_sum_dedupes_go_mod_lines() {
    let file = "go/go.sum";
    let parsed = read(FileKind::GoSum, file);
    let entries: Vec<_> =
        parsed.dependencies.iter().map(|d| (d.name.as_str(), d.version().unwrap(), d.line.unwrap())).collect();
    assert_eq!(
        entries,
        [
            ("github.com/gorilla/mux", "v1.8.1", 1),
            ("github.com/pkg/errors", "v0.9.1", 3),
            ("golang.org/x/sys", "v0.0.0-20220715151400-c0bba94af5f8", 5),
            ("golang.org/x/sys", "v0.18.0", 6),
        ]
    );
    assert!(parsed.dependencies.iter().all(|d| d.locked));
}

#[test]
fn malformed_inputs_say_where() {
    assert_eq!(
        error(FileKind::PackageJson, "{\n  \"dependencies\": {\n    \"a\": \"^1\",\n  }\n}"),
        "4:3: trailing comma"
    );
    assert_eq!(
        error(FileKind::PackageJson, "{\n  \"dependencies\": {\n    \"a\": 1\n  }\n}"),
        "3:5: dependencies.a: expected a version string"
    );
    assert_eq!(error(FileKind::PackageLock, "{\"packages\": [1]}"), "1:14: invalid type: sequence, expected a map");
    assert_eq!(
        error(FileKind::CargoToml, "[dependencies]\nserde = \"1\nanyhow = \"1\"\n"),
        "2:11: invalid basic string, expected `\"`"
    );
    assert_eq!(
        error(FileKind::CargoToml, "[dependencies]\n\nserde = 5\n"),
        "3:1: dependency `serde`: expected a version string or a table"
    );
    error_at(
        FileKind::CargoLock,
        "[[package]]
name = \"a\"
",
        "1:1",
    );
    assert_eq!(
        error(FileKind::YarnLock, "# yarn lockfile v1\n\na@^1:\n  version \"1.0.0\n"),
        "4:3: unterminated quote"
    );
    assert_eq!(error(FileKind::YarnLock, "  version \"1.0.0\"\n"), "1:1: indented line outside an entry");
    assert_eq!(error(FileKind::YarnLock, "a@^1:\n  resolved \"x\"\n"), "1:1: entry `a@^1` has no version");
    assert_eq!(error(FileKind::YarnLock, "a@^1\n"), "1:5: expected `:` after the entry's specs");
    assert_eq!(
        error(
            FileKind::PnpmLock,
            "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: x}\n   dev: true\n"
        ),
        "5:4: did not find expected key, while parsing a block mapping"
    );
    assert_eq!(
        error(FileKind::PnpmLock, "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {resolution: [x]}\n"),
        "3:25: packages.a@1.0.0.resolution: invalid type: sequence, expected struct Resolution"
    );
    assert_eq!(
        error(FileKind::YarnLock, "__metadata:\n  version: 8\n\"a@npm:1\":\n  version: 1\n  - x\n"),
        "5:3: did not find expected key, while parsing a block mapping"
    );
    assert_eq!(
        error(FileKind::BunLock, "{\n  \"packages\": {\n    \"a\": [1],\n  },\n}"),
        "3:5: packages.a: expected [\"name@version\", …]"
    );
    assert_eq!(
        error(FileKind::BunLock, "{\n  \"packages\": {\n    \"a\": [\"a@1.0.0\"] \"b\"\n  }\n}"),
        "3:22: expected `,` or `}`"
    );
    assert_eq!(error(FileKind::Requirements, "flask\n  ==2.0\n"), "2:3: expected a package name");
    assert_eq!(error(FileKind::Requirements, "ok==1\nbad[extra ==1\n"), "2:4: `[` of the extras is never closed");
    assert_eq!(error(FileKind::Requirements, "-r\n"), "1:1: `-r` needs a file");
    assert_eq!(
        error(FileKind::Pyproject, "[project]\ndependencies = [\n  \"ok\",\n  \"=bad\",\n]\n"),
        "4:4: expected a package name"
    );
    assert_eq!(
        error(FileKind::Pyproject, "[tool.poetry.dependencies]\nx = 3\n"),
        "2:1: `x`: expected a version or a table"
    );
    assert_eq!(
        error(FileKind::UvLock, "version = 1\n[[package]]\nname = \"a\"\nsource = 3\n"),
        "4:10: invalid type: integer `3`, expected a map"
    );
    assert_eq!(
        error(FileKind::Pylock, "lock-version = \"1.0\"\n[[packages]]\nversion = \"1\"\n"),
        "2:1: missing field `name`"
    );
    assert_eq!(
        error(FileKind::PipfileLock, "{\"default\": {\"a\": {\"version\": 1}}}"),
        "1:31: invalid type: integer `1`, expected a string"
    );
    assert_eq!(
        error(FileKind::GoMod, "module m\n\nrequire (\n\tgithub.com/a/b\n)\n"),
        "4:2: expected `require path version`"
    );
    assert_eq!(
        error(FileKind::GoMod, "module m\nrequire (\n\tgithub.com/a/b v1.0.0\n"),
        "2:1: `require (` block is never closed"
    );
    assert_eq!(error(FileKind::GoMod, "require \"github.com/a/b v1\n"), "1:9: unterminated quoted string");
    assert_eq!(
        error(FileKind::GoSum, "github.com/a/b v1.0.0 h1:x=\n  github.com/a/b\n"),
        "2:3: expected `module version hash`"
    );
    assert_eq!(parse("go.sum", b"ok\n\xc3\x28").unwrap_err().to_string(), "2:1: invalid UTF-8");
}

#[test]
fn empty_files_declare_nothing() {
    for path in [
        "Cargo.toml",
        "Cargo.lock",
        "package.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "bun.lock",
        "requirements.txt",
        "uv.lock",
        "go.mod",
        "go.sum",
    ] {
        assert_eq!(parse(path, b"").unwrap(), Parsed::default(), "{path}");
    }
}

/// Every prefix of every fixture, and every fixture with a byte flipped here and there,
/// reads as dependencies or as an error: never a panic.
#[test]
fn damaged_files_never_panic() {
    let fixtures: [(FileKind, &str); 23] = [
        (FileKind::CargoToml, "cargo/Cargo.toml"),
        (FileKind::CargoLock, "cargo/Cargo-v1.lock"),
        (FileKind::CargoLock, "cargo/Cargo-v3.lock"),
        (FileKind::CargoLock, "cargo/Cargo-v4.lock"),
        (FileKind::PackageJson, "npm/package.json"),
        (FileKind::PackageLock, "npm/package-lock-v1.json"),
        (FileKind::PackageLock, "npm/package-lock-v3.json"),
        (FileKind::YarnLock, "npm/yarn-classic.lock"),
        (FileKind::YarnLock, "npm/yarn-berry.lock"),
        (FileKind::PnpmLock, "npm/pnpm-v5.yaml"),
        (FileKind::PnpmLock, "npm/pnpm-v6.yaml"),
        (FileKind::PnpmLock, "npm/pnpm-v9.yaml"),
        (FileKind::BunLock, "npm/bun.lock"),
        (FileKind::Requirements, "python/requirements.txt"),
        (FileKind::Pyproject, "python/pyproject-pep621.toml"),
        (FileKind::Pyproject, "python/pyproject-poetry.toml"),
        (FileKind::PoetryLock, "python/poetry.lock"),
        (FileKind::PoetryLock, "python/poetry-legacy.lock"),
        (FileKind::UvLock, "python/uv.lock"),
        (FileKind::PipfileLock, "python/Pipfile.lock"),
        (FileKind::Pylock, "python/pylock.toml"),
        (FileKind::GoMod, "go/go.mod"),
        (FileKind::GoSum, "go/go.sum"),
    ];
    for (kind, file) in fixtures {
        let bytes = fixture(file).into_bytes();
        for end in (0..bytes.len()).step_by(7) {
            let _ = parse_kind(kind, &bytes[..end]);
        }
        for (at, replacement) in
            (0..bytes.len()).step_by(13).zip([b'"', b'\'', b'[', b'{', b'\n', b':', b'@', 0xff].iter().cycle())
        {
            let mut damaged = bytes.clone();
            damaged[at] = *replacement;
            let _ = parse_kind(kind, &damaged);
        }
    }
}

/// A 1,500-package `package-lock.json` and `Cargo.lock`, timed: run with
/// `cargo test -p tollgate-deps --release --test manifests -- --ignored --nocapture`.
#[test]
#[ignore]
fn measure_large_locks() {
    let mut lock = String::from("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"name\": \"big\"},\n");
    for i in 0..1500 {
        let nested = if i % 5 == 0 { format!("node_modules/p{}/node_modules/", i - 1) } else { "node_modules/".into() };
        lock.push_str(&format!(
            "    \"{nested}pkg-{i}\": {{\n      \"version\": \"1.{i}.0\",\n      \"resolved\": \"https://registry.npmjs.org/pkg-{i}/-/pkg-{i}-1.{i}.0.tgz\",\n      \"integrity\": \"sha512-fixture\",\n      \"dependencies\": {{\"pkg-{}\": \"^1.0.0\"}}\n    }}{}\n",
            i + 1,
            if i == 1499 { "" } else { "," }
        ));
    }
    lock.push_str("  }\n}\n");
    let mut cargo = String::from("version = 4\n");
    for i in 0..1500 {
        cargo.push_str(&format!(
            "\n[[package]]\nname = \"crate-{i}\"\nversion = \"0.{i}.1\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{:064x}\"\ndependencies = [\n \"crate-{}\",\n]\n",
            i,
            i + 1
        ));
    }
    for (path, text) in [("package-lock.json", &lock), ("Cargo.lock", &cargo)] {
        let runs = 20;
        let start = std::time::Instant::now();
        let mut count = 0;
        for _ in 0..runs {
            count = parse(path, text.as_bytes()).unwrap().dependencies.len();
        }
        let each = start.elapsed() / runs;
        println!("{path}: {} KiB, {count} dependencies, {each:?} per parse", text.len() / 1024);
        assert_eq!(count, 1500);
    }
}
