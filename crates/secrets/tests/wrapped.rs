//! Credentials in wrappings: a key body replaced under an unchanged `BEGIN` line, and
//! encoded values (a Kubernetes Secret's base64 data, Basic credentials) reported at the
//! encoded value's line with a redaction that never shows the secret. Made-up values are
//! built at run time so this file holds none.

use base64::Engine;
use tollgate_core::change::Region;
use tollgate_core::{ChangedFile, Check, CheckOutput, Finding};
use tollgate_secrets::SecretsCheck;

fn check() -> SecretsCheck {
    SecretsCheck::new(&tollgate_config::Policy::default()).expect("built-in rules load")
}

fn judge(file: &ChangedFile) -> Vec<Finding> {
    let mut out = CheckOutput::default();
    check().judge_file(file, &mut out);
    out.findings
}

/// `n` characters of base64 alphabet from a fixed pseudo-random sequence.
fn random_base64(seed: u64, n: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ALPHABET[(x >> 58) as usize] as char
        })
        .collect()
}

fn pem(label: &str, body_seed: u64) -> String {
    let body: Vec<String> = (0..5).map(|i| random_base64(body_seed + i, 64)).collect();
    let dashes = "-----";
    format!("{dashes}BEGIN {label}{dashes}\n{}\n{dashes}END {label}{dashes}\n", body.join("\n"))
}

#[test]
fn a_key_body_replaced_under_an_unchanged_begin_line_is_found() {
    let label = ["RSA PRIVATE", " KEY"].concat();
    let text = format!("# service key\n{}", pem(&label, 7));
    let mut file = ChangedFile::whole("certs/service.pem", text.clone().into_bytes());
    // The change replaced the body lines only: BEGIN and END are as they were.
    let body_start = text.find('\n').unwrap() + 1;
    let body_start = body_start + text[body_start..].find('\n').unwrap() + 1;
    let body_end = text.rfind("-----END").unwrap();
    file.added = vec![Region { start: body_start, end: body_end, first_line: 3 }];
    let findings = judge(&file);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(&*findings[0].rule, "pem-rsa-private-key");
    assert_eq!(findings[0].line, Some(3));
    // A change elsewhere in the file (a comment) does not report the unchanged key.
    file.added = vec![Region { start: 0, end: text.find('\n').unwrap() + 1, first_line: 1 }];
    assert!(judge(&file).is_empty());
}

#[test]
fn a_kubernetes_secret_value_is_judged_decoded_at_its_line() {
    let password = random_base64(42, 20);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&password);
    let manifest = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: orders-db\ntype: Opaque\ndata:\n  username: {}\n  DB_PASSWORD: {encoded}\n",
        base64::engine::general_purpose::STANDARD.encode("orders")
    );
    let findings = judge(&ChangedFile::whole("deploy/secret.yaml", manifest.into_bytes()));
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert_eq!(f.line, Some(8));
    assert!(f.note.as_deref().is_some_and(|n| n.contains("base64")), "{f:?}");
    let shown = format!("{:?}", f.evidence);
    assert!(!shown.contains(&password) && !shown.contains(&encoded), "{shown}");
}

#[test]
fn a_kubernetes_secret_holding_a_placeholder_is_not_reported() {
    let encoded = base64::engine::general_purpose::STANDARD.encode("changeme");
    let manifest = format!("kind: Secret\ndata:\n  DB_PASSWORD: {encoded}\n");
    assert!(judge(&ChangedFile::whole("secret.yaml", manifest.into_bytes())).is_empty());
}

#[test]
fn a_private_key_in_secret_data_is_found_through_base64() {
    let label = ["PRIVATE", " KEY"].concat();
    let encoded = base64::engine::general_purpose::STANDARD.encode(pem(&label, 99));
    // Quoted, under a quoted key.
    let manifest = format!("kind: Secret\ntype: kubernetes.io/tls\ndata:\n  \"tls.key\": \"{encoded}\"\n");
    let findings = judge(&ChangedFile::whole("tls.yaml", manifest.into_bytes()));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].line, Some(4));
}
