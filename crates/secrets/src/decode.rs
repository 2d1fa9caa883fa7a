//! Credentials that a file holds in an encoded form: the base64 `data:` values of a
//! Kubernetes `Secret`, the multi-line `stringData:` values beside them, the base64
//! `user:password` of an `Authorization: Basic` header, base64 `data:` URIs, and
//! percent-encoded passwords in URLs. Each is decoded into a small text that the rules
//! judge as they judge any file; what they find there is reported at the encoded value
//! in the original file (its line, and a redaction of the encoded form).

use std::ops::Range;
use std::sync::OnceLock;

use base64::Engine;
use regex::bytes::Regex;
use tollgate_core::change::line_bounds;
use tollgate_core::ChangedFile;

/// A decoded value, ready to be judged as a text of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedValue {
    /// The name the decoded text is judged under (a Secret's data key, say
    /// `tls.key` or `application.properties`), so that path-limited rules apply.
    pub path: String,
    /// The decoded text: the value itself when it spans lines (a key, a config file),
    /// else `name = "value"`, so that a credential-like name gives context.
    pub text: Vec<u8>,
    /// The encoded value's bytes in the original file: where a finding is reported.
    pub origin: Range<usize>,
    /// What was decoded, for the finding's note.
    pub note: &'static str,
    /// How what the decoded value shows weighs against generic matches of the encoded
    /// text itself.
    pub weight: Weight,
}

/// How a decoded value's verdict weighs against generic rules' matches of its encoded
/// text (a provider rule's match of the encoded text always stands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// The decoded value alone decides: base64 has the entropy of a key whatever it
    /// holds, so a generic match of it means nothing (a Secret's data).
    Decides,
    /// A decoded value that is no secret (`user:secret`, `admin:changeme`) clears a
    /// generic match of its encoding; otherwise that match stands (Basic credentials).
    Clears,
    /// The decoded value adds what it shows, and takes nothing away.
    Adds,
}

/// Values are at most this long once decoded: a Secret holding a whole archive is not
/// text to judge.
const MAX_DECODED: usize = 64 * 1024;

/// Every encoded value in the added regions of `file`, decoded.
pub fn decoded_values(file: &ChangedFile) -> Vec<DecodedValue> {
    let mut out = Vec::new();
    let text = &file.text[..];
    if file.binary || file.added.is_empty() {
        return out;
    }
    if kubernetes_secret().is_match(text) {
        kubernetes_secret_values(file, &mut out);
    }
    if memchr::memmem::find(text, b"asic ").is_some() || memchr::memmem::find(text, b"ASIC ").is_some() {
        basic_credentials(file, &mut out);
    }
    if memchr::memmem::find(text, b";base64,").is_some() {
        data_uris(file, &mut out);
    }
    if memchr::memmem::find(text, b"\"auth\"").is_some() {
        for region in &file.added {
            for (span, password) in registry_auths(&text[region.start..region.end]) {
                out.push(registry_auth(region.start + span.start..region.start + span.end, password));
            }
        }
    }
    if memchr::memchr(b'%', text).is_some() {
        percent_encoded(file, &mut out);
    }
    out.retain(|d| file.overlaps_added(&d.origin));
    out
}

fn kubernetes_secret() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"(?m)^kind:[ \t]*["']?Secret["']?[ \t]*\r?$"#).expect("valid regex"))
}

/// A `key: value` line of a YAML mapping: indent, key, value (possibly empty).
fn yaml_entry() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"^([ \t]*)["']?([\w.-]+)["']?[ \t]*:(?:[ \t]+(.*?))?[ \t]*\r?$"#).expect("valid regex")
    })
}

/// Which block of a Secret manifest a line is in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Data,
    StringData,
}

/// The values under `data:` (base64) and `stringData:` (plain) of every document of a
/// Kubernetes `Secret` manifest. Plain one-line values are judged by the YAML rules
/// already; here the multi-line ones (`key: |` block scalars: whole config files) are
/// handed over as texts of their own.
fn kubernetes_secret_values(file: &ChangedFile, out: &mut Vec<DecodedValue>) {
    let text = &file.text[..];
    let mut block: Option<(Block, usize)> = None; // the block and its key's indent
    let mut at = 0;
    while at < text.len() {
        let line = line_bounds(text, at);
        let next = next_line(text, line.end);
        let bytes = &text[line.clone()];
        if bytes.starts_with(b"---") {
            block = None;
        }
        let Some(caps) = yaml_entry().captures(bytes) else {
            at = next;
            continue;
        };
        let indent = caps[1].len();
        let key = String::from_utf8_lossy(&caps[2]).into_owned();
        let value = caps.get(3).filter(|v| !v.as_bytes().is_empty() && !v.as_bytes().starts_with(b"#"));
        match block {
            Some((kind, parent)) if indent > parent => {
                if let Some(v) = value {
                    let span = line.start + v.start()..line.start + v.end();
                    if matches!(v.as_bytes().first(), Some(b'|' | b'>')) {
                        let (body, end) = block_scalar(text, next, indent);
                        if kind == Block::StringData && !body.is_empty() {
                            out.push(DecodedValue {
                                path: key,
                                text: body,
                                origin: span,
                                note: "found in a Kubernetes Secret's stringData",
                                weight: Weight::Adds,
                            });
                        }
                        at = end;
                        continue;
                    }
                    if kind == Block::Data {
                        let (span, encoded) = unquoted(text, span);
                        if let Some(decoded) = decode_base64(encoded).and_then(readable) {
                            // `.dockerconfigjson`: a registry config whose `auth` values
                            // are base64 again.
                            for (_, password) in registry_auths(decoded.as_bytes()) {
                                out.push(registry_auth(span.clone(), password));
                            }
                            out.push(DecodedValue {
                                text: as_judged(&key, decoded),
                                path: key,
                                origin: span,
                                note: "found in a Kubernetes Secret's base64 data",
                                weight: Weight::Decides,
                            });
                        }
                    }
                }
            }
            _ => {
                block = match (&*key, value) {
                    ("data", None) => Some((Block::Data, indent)),
                    ("stringData", None) => Some((Block::StringData, indent)),
                    _ => None,
                };
            }
        }
        at = next;
    }
}

/// The offset of the line after the one ending at `end`.
fn next_line(text: &[u8], end: usize) -> usize {
    memchr::memchr(b'\n', &text[end..]).map(|i| end + i + 1).unwrap_or(text.len())
}

/// The lines of a YAML block scalar starting at `from`, indented deeper than `parent`,
/// without their common indent; and the offset after them.
fn block_scalar(text: &[u8], from: usize, parent: usize) -> (Vec<u8>, usize) {
    let mut body = Vec::new();
    let mut at = from;
    let mut indent = None;
    while at < text.len() {
        let line = line_bounds(text, at);
        let bytes = &text[line.clone()];
        let this = bytes.iter().take_while(|b| **b == b' ' || **b == b'\t').count();
        let blank = this == bytes.len();
        if !blank && this <= parent {
            break;
        }
        let cut = indent.get_or_insert(this);
        body.extend_from_slice(bytes.get((*cut).min(this)..).unwrap_or_default());
        body.push(b'\n');
        at = next_line(text, line.end);
        if body.len() > MAX_DECODED {
            return (Vec::new(), at);
        }
    }
    (body, at)
}

/// A value's span without its quotes.
fn unquoted(text: &[u8], span: Range<usize>) -> (Range<usize>, &[u8]) {
    let v = &text[span.clone()];
    match (v.first(), v.last()) {
        (Some(b'"'), Some(b'"')) | (Some(b'\''), Some(b'\'')) if v.len() >= 2 => {
            (span.start + 1..span.end - 1, &text[span.start + 1..span.end - 1])
        }
        _ => (span, v),
    }
}

/// The text a decoded value is judged as: itself when it is a document (it spans
/// lines, or is a JSON object), else `name = "value"`.
fn as_judged(name: &str, decoded: String) -> Vec<u8> {
    let document = decoded.trim_end().contains('\n') || decoded.trim_start().starts_with('{');
    if document {
        decoded.into_bytes()
    } else {
        format!("{name} = \"{}\"\n", decoded.trim_end()).into_bytes()
    }
}

/// Base64 (standard or URL-safe, padding optional) of at most [`MAX_DECODED`] bytes.
fn decode_base64(value: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed = &value[..value.iter().rposition(|&b| b != b'=')? + 1];
    if trimmed.len() < 4 || trimmed.len() / 4 * 3 > MAX_DECODED {
        return None;
    }
    STANDARD_NO_PAD.decode(trimmed).or_else(|_| URL_SAFE_NO_PAD.decode(trimmed)).ok()
}

/// Decoded bytes as text, when they are text: UTF-8 without control characters other
/// than line breaks and tabs. Binary data (a keystore, an image) is not judged.
fn readable(bytes: Vec<u8>) -> Option<String> {
    let s = String::from_utf8(bytes).ok()?;
    (!s.trim().is_empty() && !s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))).then_some(s)
}

/// `Basic <base64>` credentials (an `Authorization` header in code, a curl command, an
/// HTTP test file): `user:password` decoded, the password judged as one.
fn basic_credentials(file: &ChangedFile, out: &mut Vec<DecodedValue>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        // `Basic <b64>`, or `"Basic " + "<b64>"` in code.
        Regex::new(
            r#"(?i)\bbasic(?:[ \t]+|[ \t]*["'`][ \t]*[+.][ \t]*["'`])([A-Za-z0-9+/]{8,}={0,2})(?:[^A-Za-z0-9+/=]|$)"#,
        )
        .expect("valid regex")
    });
    for region in &file.added {
        for caps in re.captures_iter(&file.text[region.start..region.end]) {
            let Some(m) = caps.get(1) else { continue };
            let Some(decoded) = decode_base64(m.as_bytes()).and_then(readable) else { continue };
            let Some((user, password)) = decoded.split_once(':') else { continue };
            if user.contains(['\n', ' ']) || password.is_empty() || password.contains('\n') {
                continue;
            }
            out.push(DecodedValue {
                path: "authorization-header".into(),
                text: format!("password = \"{password}\"\n").into_bytes(),
                origin: region.start + m.start()..region.start + m.end(),
                note: "found in base64 Basic credentials (user:password)",
                weight: Weight::Clears,
            });
        }
    }
}

/// The `"auth": "<base64 of user:password>"` entries of a container registry config
/// (Docker's `config.json`, a Kubernetes `.dockerconfigjson`): each value's span in
/// `text` and the password it holds.
fn registry_auths(text: &[u8]) -> Vec<(Range<usize>, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r#""auth"\s*:\s*"([A-Za-z0-9+/]{8,}={0,2})""#).expect("valid regex"));
    let mut found = Vec::new();
    for caps in re.captures_iter(text) {
        let Some(m) = caps.get(1) else { continue };
        let Some(decoded) = decode_base64(m.as_bytes()).and_then(readable) else { continue };
        let Some((user, password)) = decoded.split_once(':') else { continue };
        if user.contains(['\n', ' ']) || password.is_empty() || password.contains('\n') {
            continue;
        }
        found.push((m.range(), password.to_string()));
    }
    found
}

/// A registry `auth` value's password, judged as a password and reported at `origin`.
fn registry_auth(origin: Range<usize>, password: String) -> DecodedValue {
    DecodedValue {
        path: "registry-auth".into(),
        text: format!("password = \"{password}\"\n").into_bytes(),
        origin,
        note: "found in a registry config's base64 auth (user:password)",
        weight: Weight::Clears,
    }
}

/// `data:` URIs with a base64 payload of a text type (a JSON or YAML document, a PEM
/// file, an `.env`): the payload decoded. Images, fonts and media are skipped.
fn data_uris(file: &ChangedFile, out: &mut Vec<DecodedValue>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)\bdata:([a-z]+)/([\w.+-]+)(?:;[\w.+-]+=[\w.+-]+)*;base64,([A-Za-z0-9+/]{16,}={0,2})")
            .expect("valid regex")
    });
    for region in &file.added {
        for caps in re.captures_iter(&file.text[region.start..region.end]) {
            let (Some(kind), Some(sub), Some(m)) = (caps.get(1), caps.get(2), caps.get(3)) else { continue };
            let kind = kind.as_bytes().to_ascii_lowercase();
            if matches!(&kind[..], b"image" | b"font" | b"audio" | b"video") {
                continue;
            }
            let Some(decoded) = decode_base64(m.as_bytes()).and_then(readable) else { continue };
            let subtype = String::from_utf8_lossy(sub.as_bytes()).to_ascii_lowercase();
            let extension = subtype.rsplit(['+', '-', '.']).next().unwrap_or("txt");
            out.push(DecodedValue {
                path: format!("data-uri.{extension}"),
                text: decoded.into_bytes(),
                origin: region.start + m.start()..region.start + m.end(),
                note: "found in a base64 data: URI",
                weight: Weight::Adds,
            });
        }
    }
}

/// Percent-encoded passwords: the password of a URL's `user:password@`, and the value
/// of a credential-named query parameter (a `password=` value holding `%40`), decoded. Only values
/// that hold an escape are taken: the plain ones are judged as written.
fn percent_encoded(file: &ChangedFile, out: &mut Vec<DecodedValue>) {
    static USERINFO: OnceLock<Regex> = OnceLock::new();
    static QUERY: OnceLock<Regex> = OnceLock::new();
    let userinfo = USERINFO.get_or_init(|| {
        Regex::new(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s:@/?#'`<>]*:([^\s:@/?#'`<>]*%[0-9a-f]{2}[^\s:@/?#'`<>]*)@[a-z0-9.-]+\.[a-z]{2,}\b")
            .expect("valid regex")
    });
    let query = QUERY.get_or_init(|| {
        Regex::new(r"(?i)[?&;]((?:[a-z]+_)?(?:password|passwd|pwd|pass|secret|token|api_?key|access_token|client_secret))=([^&\s#'`<>]*%[0-9a-f]{2}[^&\s#'`<>]*)")
            .expect("valid regex")
    });
    // Most source files hold a `%` somewhere: only lines with an escape and a URL or
    // a parameter are searched.
    let text = &file.text[..];
    for region in &file.added {
        let mut at = region.start;
        while let Some(i) = memchr::memchr(b'%', &text[at..region.end]) {
            let line = line_bounds(text, at + i);
            at = next_line(text, line.end).max(at + i + 1);
            let bytes = &text[line.clone()];
            if !bytes.windows(3).any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit()) {
                continue;
            }
            let mut found: Vec<(String, Range<usize>)> = Vec::new();
            if memchr::memmem::find(bytes, b"://").is_some() {
                found.extend(
                    userinfo.captures_iter(bytes).filter_map(|c| Some(("password".to_string(), c.get(1)?.range()))),
                );
            }
            if memchr::memchr(b'=', bytes).is_some() {
                found.extend(query.captures_iter(bytes).filter_map(|c| {
                    Some((String::from_utf8_lossy(c.get(1)?.as_bytes()).to_ascii_lowercase(), c.get(2)?.range()))
                }));
            }
            for (name, m) in found {
                let Some(decoded) = percent_decode(&bytes[m.clone()]).and_then(readable) else { continue };
                if decoded.contains('\n') {
                    continue;
                }
                out.push(DecodedValue {
                    path: "url".into(),
                    text: format!("{name} = \"{decoded}\"\n").into_bytes(),
                    origin: line.start + m.start..line.start + m.end,
                    note: "found percent-decoded in a URL",
                    weight: Weight::Adds,
                });
            }
        }
    }
}

/// `%XX` escapes decoded (and `+` left as is: it is a space only in form bodies).
fn percent_decode(value: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'%' {
            let hex = std::str::from_utf8(value.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(value[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tollgate_core::change::Region;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    fn values(path: &str, text: &str) -> Vec<DecodedValue> {
        decoded_values(&ChangedFile::whole(path, text.as_bytes().to_vec()))
    }

    fn texts(found: &[DecodedValue]) -> Vec<String> {
        found.iter().map(|d| String::from_utf8_lossy(&d.text).into_owned()).collect()
    }

    #[test]
    fn secret_data_is_decoded_at_its_line() {
        let password = ["Qz8r", "Lw2v", "9mTx"].concat();
        let manifest = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  labels:\n    app: x\ntype: Opaque\ndata:\n  username: {}\n  DB_PASSWORD: \"{}\"\n  blob: AAECAwQFBgc=\n",
            b64("app"),
            b64(&password)
        );
        let found = values("k8s/secret.yaml", &manifest);
        assert_eq!(texts(&found), vec!["username = \"app\"\n".to_string(), format!("DB_PASSWORD = \"{password}\"\n")]);
        // Reported at the encoded value, without its quotes.
        let at = manifest.find(&b64(&password)).unwrap();
        assert_eq!(found[1].origin, at..at + b64(&password).len());
        assert_eq!(found[1].path, "DB_PASSWORD");
    }

    #[test]
    fn only_secrets_and_only_their_data_blocks_are_decoded() {
        let config_map = format!("kind: ConfigMap\ndata:\n  token: {}\n", b64("not decoded here"));
        assert!(values("cm.yaml", &config_map).is_empty());
        let labels = format!("kind: Secret\nmetadata:\n  annotations:\n    note: {}\n", b64("not data"));
        assert!(values("s.yaml", &labels).is_empty());
        // A second document that is not a Secret's data.
        let two = format!("kind: Secret\ndata:\n  a: {}\n---\nkind: Service\nspec:\n  b: {}\n", b64("one"), b64("two"));
        assert_eq!(texts(&values("s.yaml", &two)), vec!["a = \"one\"\n"]);
    }

    #[test]
    fn multi_line_values_are_judged_as_documents() {
        let pem = "-----BEGIN X-----\nAAAA\n-----END X-----\n";
        let manifest = format!(
            "kind: Secret\ndata:\n  tls.key: {}\nstringData:\n  app.properties: |\n    db.user=app\n    db.password=x\n  plain: value\n",
            b64(pem)
        );
        let found = values("s.yaml", &manifest);
        assert_eq!(texts(&found), vec![pem.to_string(), "db.user=app\ndb.password=x\n".to_string()]);
        assert_eq!(found[0].path, "tls.key");
        assert_eq!(found[1].path, "app.properties");
    }

    #[test]
    fn only_added_values_are_decoded() {
        let manifest = format!("kind: Secret\ndata:\n  a: {}\n  b: {}\n", b64("old-value"), b64("new-value"));
        let mut file = ChangedFile::whole("s.yaml", manifest.as_bytes().to_vec());
        let start = manifest.find("  b:").unwrap();
        file.added = vec![Region { start, end: manifest.len(), first_line: 4 }];
        assert_eq!(texts(&decoded_values(&file)), vec!["b = \"new-value\"\n"]);
    }

    #[test]
    fn basic_credentials_give_their_password() {
        let header = format!("curl -H 'Authorization: Basic {}' https://ci", b64("deploy:Zx81QpLk29"));
        assert_eq!(texts(&values("run.sh", &header)), vec!["password = \"Zx81QpLk29\"\n"]);
        let code = format!("headers = {{'Authorization': 'Basic ' + '{}'}}", b64("svc:Lq8Zr2Vx7"));
        assert_eq!(texts(&values("a.py", &code)), vec!["password = \"Lq8Zr2Vx7\"\n"]);
        // Prose and non-credentials are not.
        assert!(values("a.md", "basic configuration of the thing").is_empty());
        assert!(values("a.sh", &format!("Authorization: Basic {}", b64("no colon here"))).is_empty());
    }

    #[test]
    fn registry_auths_give_their_password_plain_and_inside_a_secret() {
        let config = format!("{{\"auths\": {{\"ghcr.io\": {{\"auth\": \"{}\"}}}}}}", b64("ci-bot:Rq7zLm2Vx9Kp"));
        assert_eq!(texts(&values("config.json", &config)), vec!["password = \"Rq7zLm2Vx9Kp\"\n"]);
        let secret = format!(
            "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {}\n",
            b64(&config)
        );
        let found = values("pull-secret.yaml", &secret);
        assert!(texts(&found).contains(&"password = \"Rq7zLm2Vx9Kp\"\n".to_string()), "{found:?}");
        assert!(values("config.json", &format!("{{\"auth\": \"{}\"}}", b64("no colon"))).is_empty());
    }

    #[test]
    fn text_data_uris_are_decoded_and_images_are_not() {
        let doc = "{\"password\": \"x\"}";
        let line = format!("src = \"data:application/json;charset=utf-8;base64,{}\"", b64(doc));
        let found = values("a.js", &line);
        assert_eq!(texts(&found), vec![doc.to_string()]);
        assert_eq!(found[0].path, "data-uri.json");
        assert!(values("a.css", &format!("url(data:image/png;base64,{})", b64("\u{89}PNG....rest"))).is_empty());
    }

    #[test]
    fn percent_encoded_passwords_are_decoded() {
        // Assembled, so that this file holds no URL with a password.
        let found = values("a.py", &["url = 'https://svc:", "p%40ss%3Aw0rd", "@db.acme-corp.io/x'"].concat());
        assert_eq!(texts(&found), vec!["password = \"p@ss:w0rd\"\n"]);
        let found = values("a.txt", &["GET /login?user=me&db_password", "=s3cr%21t9x&x=1"].concat());
        assert_eq!(texts(&found), vec!["db_password = \"s3cr!t9x\"\n"]);
        assert!(values("a.txt", "100% sure, https://a.io/?q=%20").is_empty());
        assert_eq!(percent_decode(b"%zz"), None);
    }

    #[test]
    fn binary_or_broken_encodings_are_skipped() {
        assert_eq!(decode_base64(b"!!!!"), None);
        assert_eq!(readable(vec![0, 1, 2]), None);
        assert_eq!(readable(b"  \n".to_vec()), None);
    }
}
