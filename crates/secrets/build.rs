//! Embeds every rule pack under `policies/secrets/` into the binary. Packs are parsed
//! and validated here, at build time: a broken pack fails the build with its file,
//! line and column, and a hook pays nothing at run time to read its rules.

use std::fmt::Write;
use std::path::PathBuf;

use tollgate_config::RulePack;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dir = manifest.join("../../policies/secrets");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read rule packs in {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut packs =
        String::from("/// Built-in rule packs: (file name, TOML text).\npub static PACKS: &[(&str, &str)] = &[\n");
    let mut rules =
        String::from("/// Built-in rules, parsed at build time.\npub static BUILTIN: &[BuiltinRule] = &[\n");
    let mut ids: Vec<String> = Vec::new();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().and_then(|n| n.to_str()).expect("pack names are UTF-8");
        let path = f.canonicalize().expect("pack path resolves");
        let _ = writeln!(packs, "    ({name:?}, include_str!({:?})),", path.display().to_string());
        let text = std::fs::read_to_string(f).expect("read pack");
        let shown = format!("policies/secrets/{name}");
        let pack = RulePack::parse(&shown, &text).unwrap_or_else(|e| panic!("\n{e}"));
        for r in pack.rule {
            let id = r.id.get_ref().clone();
            if ids.contains(&id) {
                panic!("{shown}: duplicate rule id `{id}`");
            }
            let _ = writeln!(
                rules,
                "    BuiltinRule {{ id: {id:?}, description: {:?}, keywords: &{:?}, regex: {:?}, secret_group: {}, \
                 entropy: {:?}, validator: {:?}, severity: Severity::{:?}, generic: {}, window: {:?}, \
                 skip_placeholders: {}, paths: &{:?} }},",
                r.description,
                r.keyword_list(),
                r.regex.get_ref(),
                r.secret_group.get_ref(),
                r.entropy,
                r.validator.as_ref().map(|v| v.get_ref().clone()),
                r.severity,
                r.generic,
                r.window,
                r.skip_placeholders,
                r.path_list(),
            );
            ids.push(id);
        }
    }
    packs.push_str("];\n");
    rules.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("packs.rs"), packs).expect("write packs.rs");
    std::fs::write(out.join("builtin.rs"), rules).expect("write builtin.rs");
}
