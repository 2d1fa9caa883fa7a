//! Values that stand in for a secret without being one: `changeme`, `xxxx`,
//! `<your-token>`, `${VAR}`, `os.environ[...]`, `process.env.X`, example and dummy
//! values. Dropping them keeps ordinary code quiet.

/// Substrings (lowercase) that mark a placeholder in any rule's value.
const MARKERS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "fake",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "redacted",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "xxxx",
    "****",
    "${",
    "{{",
    "<",
    ">",
    "%(",
    "$(",
    "...",
    "…",
    "replace_me",
    "replaceme",
    "insert_",
    "todo",
];

/// Further signs, for generic rules only, that a value is a reference or a word rather
/// than a secret.
const GENERIC_MARKERS: &[&str] = &[
    "environ",
    "getenv",
    "process.env",
    "env.",
    "env[",
    "config.",
    "settings.",
    "secrets.",
    "vault:",
    "keyring",
    "password",
    "passwd",
    "secret",
    "token",
    "null",
    "none",
    "undefined",
    "false",
    "true",
    "test",
    "mock",
    "stub",
    "invalid",
    "sha256:",
    "sha512:",
    "bcrypt",
    "argon2",
    "$2a$",
    "$2b$",
    "$argon",
    "http://",
    "https://",
    "ref+",
];

/// Values published in standards and vendor documentation as examples (lowercase).
const KNOWN_EXAMPLES: &[&str] = &[
    // base64 of "Aladdin:open sesame" (RFC 7617)
    "qwxhzgrpbjpvcgvuihnlc2ftzq",
    // Azurite / Azure Storage Emulator's published account key (devstoreaccount1)
    "eby8vdm02xnocqflquwjpllmetlcdxj1ouzft50usrz6ifsufq2uvercz4i6tq/k1szfptotr/kbhbeksogmgw==",
];

/// Whether `value` looks like a placeholder. `generic` adds the stricter tests for
/// keyword-and-entropy rules, whose values have no provider format to vouch for them.
pub fn is_placeholder(value: &[u8], generic: bool) -> bool {
    let lower = String::from_utf8_lossy(value).to_ascii_lowercase();
    if MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    // Well-known published values: RFC 7617's `Aladdin:open sesame`, the storage
    // emulator's documented account key.
    if KNOWN_EXAMPLES.iter().any(|m| lower.contains(m)) {
        return true;
    }
    let bytes = lower.as_bytes();
    if bytes.is_empty() || bytes.iter().all(|&b| b == bytes[0]) || longest_run(bytes) >= 8 || is_sequence(bytes) {
        return true;
    }
    if generic {
        if GENERIC_MARKERS.iter().any(|m| lower.contains(m)) {
            return true;
        }
        // References: `$VAR`, `%VAR%`, `@var`, calls and member access like `cfg.get(x)`.
        if matches!(bytes[0], b'$' | b'%' | b'@' | b'&' | b'*') || lower.contains('(') || lower.contains(')') {
            return true;
        }
        // Words, names and paths (`Access-Control-Allow-Credentials`, `~/.aws/credentials`,
        // `:DECODE_ERROR:`): no digit and nothing but letters and separators.
        let wordish = |b: &u8| b.is_ascii_alphabetic() || b" -_./:~".contains(b);
        if !bytes.iter().any(u8::is_ascii_digit) && bytes.iter().all(wordish) {
            return true;
        }
        if bytes.starts_with(b"/") || bytes.starts_with(b"~/") || bytes.starts_with(b"./") || bytes.starts_with(b"../")
        {
            return true;
        }
        // An identifier in SCREAMING_CASE or dotted.path is a name, not a value.
        let raw = String::from_utf8_lossy(value);
        if raw.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
            && raw.chars().any(|c| c.is_ascii_uppercase())
        {
            return true;
        }
    }
    false
}

fn longest_run(bytes: &[u8]) -> usize {
    let (mut best, mut run) = (0, 0);
    for (i, &b) in bytes.iter().enumerate() {
        run = if i > 0 && bytes[i - 1] == b { run + 1 } else { 1 };
        best = best.max(run);
    }
    best
}

/// `12345678...`, `abcdefgh...` and the like: ascending by one, at least 6 long, the
/// whole value.
fn is_sequence(bytes: &[u8]) -> bool {
    bytes.len() >= 6 && bytes.windows(2).all(|w| w[1] == w[0].wrapping_add(1) || (w[0] == b'9' && w[1] == b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_recognised() {
        for p in [
            "changeme",
            "xxxxxxxxxxxx",
            "<your-token>",
            "${API_KEY}",
            "AKIAIOSFODNN7EXAMPLE",
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
            "{{ secret }}",
            "aaaaaaaaaaaa",
            "1234567890",
            "abcdefgh",
            "sk_live_000000000000000000",
        ] {
            assert!(is_placeholder(p.as_bytes(), false), "{p}");
        }
        for p in [
            "os.environ['KEY']",
            "process.env.API_KEY",
            "$API_TOKEN",
            "%PASSWORD%",
            "getpass()",
            "MY_SECRET_NAME",
            "test1234",
        ] {
            assert!(is_placeholder(p.as_bytes(), true), "{p}");
        }
    }

    #[test]
    fn real_looking_values_are_not_placeholders() {
        for v in ["q8ZkR2vW7pLx9sT4mN3b", "ghp_R2d4Fq9ZkT7mWx1pLs0vBn3cYh8eJa0fG1h", "Tr0ub4dor&3horse"] {
            assert!(!is_placeholder(v.as_bytes(), true), "{v}");
        }
    }
}
