//! Values in a credential slot: the argument of `mysql -p`, `sshpass -p` or
//! `--password=`, the second string of `NetworkCredential("user", "…")`, the password of
//! a URL, the word after "the password is". There the context already says what the
//! value is, so entropy is a weak signal: a weak password is still a password. What
//! keeps these rules quiet on ordinary code is the shape of the value instead: a
//! reference (`$PASS`, `%PASS%`, `{{ pass }}`, `"{}"`), a name (`DB_PASSWORD`,
//! `user.password`), a word (`required`, `String`) or a documented default (`changeme`,
//! `admin123`) is not a leaked credential.
//!
//! A rule opts in by naming a slot check as its `validator`:
//! - `password-slot`: a command line, call or literal put the value there. At least
//!   6 bytes, a letter and a digit or a symbol, so neither a word (`Bearer`,
//!   `required`) nor a port number passes.
//! - `url-password`: the password of `scheme://user:password@host`. As above; URLs are
//!   written by hand, so shorter values are kept (4 bytes).
//! - `token-slot`: an API key or token in a header or a query. At least 8 bytes, with
//!   letters and digits: machine-made tokens have both, type names and words do not.
//! - `prose-slot`: a sentence, a comment or a chat line. Prose says "the password is
//!   required" and "token: string", so the value must hold two letters and a digit or
//!   a symbol, and must not end a sentence with a full stop.

use crate::placeholder;

/// The slot checks a rule may name in `validator`, beside the structural validators.
pub const SLOT_CHECKS: &[&str] = &["password-slot", "url-password", "token-slot", "prose-slot"];

/// Whether `value`, found in the slot `check` names, is a credential rather than a
/// reference, a name, a word or a documented default. `None` when `check` is not a slot
/// check.
pub fn accepts(check: &str, value: &[u8]) -> Option<bool> {
    let min_len = match check {
        "password-slot" | "prose-slot" => 6,
        "url-password" => 4,
        "token-slot" => 8,
        _ => return None,
    };
    // A URL's userinfo is percent-encoded: judge what it stands for (`p%40ss` is `p@ss`).
    let decoded;
    let value = if check == "url-password" && value.contains(&b'%') {
        decoded = percent_decode(value);
        &decoded[..]
    } else {
        value
    };
    if value.len() < min_len || value.len() > 128 || !value.iter().all(|b| b.is_ascii_graphic()) {
        return Some(false);
    }
    if check == "prose-slot" && is_technical_term(value) {
        return Some(false);
    }
    if is_reference(value) || is_name(value) || is_documented_default(value) {
        return Some(false);
    }
    let classes = Classes::of(value);
    let shaped = match check {
        "prose-slot" => classes.letters() >= 2 && classes.digit + classes.symbol >= 1 && !ends_sentence(value),
        "token-slot" => classes.letters() >= 1 && classes.digit >= 1,
        _ => classes.letters() >= 1 && classes.digit + classes.symbol >= 1,
    };
    Some(shaped)
}

/// `%XX` escapes decoded; a `%` that starts no escape is kept.
fn percent_decode(value: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'%' && i + 2 < value.len() {
            if let (Some(h), Some(l)) = (hex(value[i + 1]), hex(value[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(value[i]);
        i += 1;
    }
    out
}

/// Names of encodings, hashes, architectures and types that prose puts after
/// "token:" or "secret is" (`base64`, `SHA-256`, `x86_64`, `u64`): letters and digits,
/// but no credential.
fn is_technical_term(value: &[u8]) -> bool {
    const TERMS: &[&str] = &[
        "base64", "base32", "base58", "utf-8", "utf8", "utf16", "utf-16", "sha-", "sha1", "sha2", "sha3", "x86",
        "amd64", "arm64", "aarch64", "ipv4", "ipv6", "oauth", "http2", "http/", "hmac", "aes", "rsa", "ecdsa",
        "ed25519", "x25519", "jwt", "uuid", "int64", "int32", "uint", "u64", "u32", "u128", "i64", "i32", "f64", "f32",
        "md5", "crc32", "rfc", "iso-", "tls1", "ssl3", "pkcs", "x509", "x.509", "v1", "v2", "v3",
    ];
    let lower = String::from_utf8_lossy(value).to_ascii_lowercase();
    TERMS.iter().any(|t| lower.starts_with(t)) || lower.ends_with("bit") || lower.ends_with("bits")
}

/// How many bytes of each class a value has.
#[derive(Debug, Default)]
struct Classes {
    lower: usize,
    upper: usize,
    digit: usize,
    symbol: usize,
}

impl Classes {
    fn of(value: &[u8]) -> Classes {
        let mut c = Classes::default();
        for &b in value {
            match b {
                b'a'..=b'z' => c.lower += 1,
                b'A'..=b'Z' => c.upper += 1,
                b'0'..=b'9' => c.digit += 1,
                _ => c.symbol += 1,
            }
        }
        c
    }

    fn letters(&self) -> usize {
        self.lower + self.upper
    }
}

/// Template, shell, batch, format-string and language references, and values that are
/// code rather than data: `$PASS`, `${PASS}`, `$(cat f)`, `%PASS%`, `%s`, `{}`,
/// `{{ pass }}`, `<password>`, `getpass()`, `os.environ[...]`.
fn is_reference(value: &[u8]) -> bool {
    const CODE: &[&[u8]] = &[b"${", b"$(", b"{{", b"%s", b"%(", b"%v", b"%d", b"::", b"->", b"=>", b"+="];
    if matches!(value[0], b'$' | b'%' | b'@' | b'&' | b'*' | b'{' | b'<' | b'[' | b'(' | b'`' | b'#' | b'\\' | b'-') {
        return true;
    }
    if value.iter().any(|b| b"(){}<>[]`".contains(b)) || value.ends_with(b"%") {
        return true;
    }
    CODE.iter().any(|c| value.windows(c.len()).any(|w| w == *c))
}

/// Identifiers and paths: `DB_PASSWORD`, `user.password`, `self.config.pwd`,
/// `/run/secrets/db`, `./pw.txt`, `String`, `str`.
fn is_name(value: &[u8]) -> bool {
    let text = String::from_utf8_lossy(value);
    if text.starts_with('/') || text.starts_with("./") || text.starts_with("../") || text.starts_with("~/") {
        return true;
    }
    // SCREAMING_CASE constants and environment variable names.
    if text.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && text.contains(|c: char| c.is_ascii_uppercase())
    {
        return true;
    }
    // Member access and module paths: `user.password`, `cfg.db.Pass1`.
    if crate::placeholder::is_dotted_name(value) {
        return true;
    }
    // snake_case and kebab-case names without a digit: `db_password`, `my-secret-name`.
    let lowered = text.to_ascii_lowercase();
    if lowered == text
        && !text.contains(|c: char| c.is_ascii_digit())
        && text.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
    {
        return true;
    }
    false
}

/// Words that stand in for a password in documentation, defaults shipped by software
/// and the famous examples, compared without case: they are not leaks of anyone's
/// credential.
const DEFAULTS: &[&str] = &[
    "admin123",
    "admin1234",
    "abc123",
    "abcd1234",
    "changeit",
    "foobared",
    "hunter2",
    "letmein",
    "letmein1",
    "p@ssw0rd",
    "p@ssword",
    "p@ss",
    "passw0rd",
    "pa55word",
    "pa$$word",
    "pa55w0rd",
    "passw0rd1",
    "password1",
    "pass123",
    "pass1234",
    "qwerty",
    "qwerty123",
    "root123",
    "s3cr3t",
    "s3cret",
    "secr3t",
    "toor",
    "welcome1",
    "welcome123",
    "correcthorsebatterystaple",
    "opensesame",
    "open sesame",
    "guest",
    "user123",
    "demo123",
    "foobar",
    "foobarbaz",
    "hello",
    "pass",
    "pwd",
    "user",
    "admin",
    "123456",
    "1234567",
    "12345678",
];

/// Substrings (lowercase) that mark a value as a stand-in, a reference or a word.
const STAND_INS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "xxx",
    "***",
    "...",
    "example",
    "sample",
    "dummy",
    "placeholder",
    "redacted",
    "hidden",
    "masked",
    "mypass",
    "yourpass",
    "your_",
    "your-",
    "insert",
    "replace",
    "environ",
    "getenv",
    "process.env",
    "config.",
    "settings.",
    "secrets.",
    "vault:",
    "keyring",
    "null",
    "none",
    "undefined",
    "true",
    "false",
    "test",
    "mock",
    "stub",
    "://",
    "foo",
    "tiger",
    // Spelled-out stand-ins: `s3cr3t`, `p4ssw0rd`, `pa55word`.
    "s3cr",
    "secr3t",
    "p4ss",
    "pa55",
    "passw0rd",
    "p@ss",
    // Option values that name where the password is (`-passin env:VAR`, `file:pw.txt`).
    "env:",
    "file:",
    "fd:",
    // Stored hashes, compared or configured: not the password itself.
    "pbkdf2",
    "sha1",
    "sha256",
    "sha512",
    "md5",
    "argon2",
    "bcrypt",
    "scrypt",
    "$2a$",
    "$2b$",
    "$2y$",
];

/// Documented defaults and stand-ins: `changeit`, `admin123`, `P@ssw0rd!`, `<pass>`,
/// `mypassword1`, `test123`. Placeholders the whole check knows (`changeme`, `xxxx`,
/// runs and ascending sequences) count too.
fn is_documented_default(value: &[u8]) -> bool {
    if placeholder::is_placeholder(value, false) {
        return true;
    }
    let lower = String::from_utf8_lossy(value).to_ascii_lowercase();
    if STAND_INS.iter().any(|s| lower.contains(s)) {
        return true;
    }
    // The word with its decoration taken apart: `Pass@Word1`, `pass;word`, `p@ss+word`
    // (separators dropped, and `@ $ 0` read as the letters they stand for).
    let squeezed: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    let unleet: String = lower
        .chars()
        .map(|c| match c {
            '@' => 'a',
            '$' => 's',
            '0' => 'o',
            c => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if STAND_INS.iter().filter(|s| s.len() >= 6).any(|s| squeezed.contains(s) || unleet.contains(s)) {
        return true;
    }
    // A default with a decoration: `admin123!`, `P@ssw0rd1`, `Welcome1!`.
    let core = lower.trim_end_matches(|c: char| c.is_ascii_digit() || "!?#.".contains(c));
    DEFAULTS.iter().any(|d| lower == *d || (!core.is_empty() && core == *d))
}

/// A value that closes a sentence (`is required.`) or a clause is prose, not a password.
fn ends_sentence(value: &[u8]) -> bool {
    matches!(value.last(), Some(b'.' | b',' | b':' | b';' | b'?' | b'!'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(check: &str, value: &str) -> bool {
        accepts(check, value.as_bytes()).expect("a slot check")
    }

    #[test]
    fn stand_in_words_in_disguise_are_not_passwords() {
        for v in ["Pass@Word1", "pass;word", "p@ss+word", "PASS-WORD-2024", "s3cr3t?no:secret!"] {
            assert!(!ok("password-slot", v), "{v}");
        }
        assert!(ok("password-slot", "Tr0ub4dor&3"));
    }

    #[test]
    fn weak_but_real_passwords_pass_in_a_password_slot() {
        for v in ["Sunny2024", "k9!mq2zp", "Tr0ub4dor&3", "Winter#77", "hx7-42kq", "MarsBar7"] {
            assert!(ok("password-slot", v), "{v}");
        }
        assert!(ok("url-password", "pg4app"));
        assert!(ok("url-password", "Tq7%21mZ2"));
        assert!(ok("token-slot", "7f3a9c1e5b2d"));
    }

    #[test]
    fn references_names_words_and_defaults_do_not() {
        for v in [
            "$PASS",
            "${DB_PASSWORD}",
            "$(cat /run/pw)",
            "%DB_PASS%",
            "{{ db_pass }}",
            "{password}",
            "<password>",
            "%s",
            "getpass()",
            "DB_PASSWORD",
            "user.password",
            "settings.db.pass",
            "db_password",
            "/run/secrets/db",
            "required",
            "8080",
            "changeit",
            "admin123",
            "P@ssw0rd!",
            "hunter2",
            "mypassword1",
            "test1234",
            "********",
            "xxxxxxxx",
            "12345678",
            "abc",
            "Bearer",
            "SuperSecure",
            "env:DB_PASS",
            "pbkdf2_sha256$260000$abc",
            "hello123",
            "s00pers3cret",
        ] {
            assert!(!ok("password-slot", v), "{v}");
        }
        for v in ["CryptoKey", "sessionkeyvalue", "v1.2", "String;"] {
            assert!(!ok("token-slot", v), "{v}");
        }
    }

    #[test]
    fn prose_wants_a_digit_or_symbol_and_no_full_stop() {
        assert!(ok("prose-slot", "k9mq2zpW"));
        assert!(ok("prose-slot", "Blue-Horse-7"));
        for v in
            ["String", "Required", "abc123.", "lowercaseword", "CamelCase", "v1.2.3", "base64", "SHA-256", "x86_64"]
        {
            assert!(!ok("prose-slot", v), "{v}");
        }
        for v in ["foo%40bar", "p%40ss", "correct%20horse%20battery"] {
            assert!(!ok("url-password", v), "{v}");
        }
    }

    #[test]
    fn other_validators_are_not_slot_checks() {
        assert_eq!(accepts("base64", b"anything"), None);
    }
}
