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
    // the Java keystore's documented default password
    "changeit",
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

/// Values published in standards and vendor documentation as examples, or shipped for
/// public use in SDK samples (lowercase; matched as substrings).
const KNOWN_EXAMPLES: &[&str] = &[
    // base64 of "Aladdin:open sesame" (RFC 7617)
    "qwxhzgrpbjpvcgvuihnlc2ftzq",
    // RFC 6749 (OAuth 2.0): the access and refresh tokens, authorization code, client
    // secret and the Basic credentials of client `s6BhdRkqt3`
    "2yotnfzfejr1zcsicmwpaa",
    "tgzv3jokf0xg5qx2tlkwia",
    "splxlobezqqybys6wxsbia",
    "7fjfp0zbr1ktdrbnfvdmiw",
    "czzcagrsa3f0mzpnwdfmqmf0m2jw",
    // RFC 5849 (OAuth 1.0): consumer key and secret, token and token secret
    "dpf43f3p2l4k3l03",
    "kd94hf93k423kf44",
    "nnch734d00sl2jdk",
    "pfkkdhi9sl3r4s00",
    // RFC 5849's signed-request example: consumer key and token
    "0685bd9184jfhq22",
    "ad180jjd733klru7",
    // Azurite / Azure Storage Emulator's published account key (devstoreaccount1)
    "eby8vdm02xnocqflquwjpllmetlcdxj1ouzft50usrz6ifsufq2uvercz4i6tq/k1szfptotr/kbhbeksogmgw==",
    // RFC 4122's sample UUID
    "f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
    // Firebase's documentation config (`AIzaSyDOCAbC123dEf456GhI789jKl012-MnO`)
    "docabc123def456ghi789jkl01",
    // The browser key in Google Maps Platform's published JavaScript samples
    "aizasyb41drubkwjhpxafjmawdrzwzbvkartngg",
];

/// Hex words and keyboard rows people type as filler (lowercase; substrings).
const FILLER_WORDS: &[&str] = &["deadbeef", "cafebabe", "feedface", "badc0ffee", "qwer", "asdf", "zxcv", "qazwsx"];

/// Whole words that make a generic rule's value a stand-in: `test1234`, `my-test-key`,
/// `foo_bar`. Only whole words count (see [`has_filler_word`]), so a random key that
/// happens to contain `test` inside a longer run of letters is still a key.
const FILLER_TOKENS: &[&str] = &[
    "test", "tests", "testing", "mock", "stub", "foo", "bar", "baz", "qux", "foobar", "demo", "abc", "xyz", "secret",
    "pass", "pw", "none", "null", "nil", "empty", "default", "hidden", "unknown",
];

/// Whether `value` looks like a placeholder. `generic` adds the stricter tests for
/// keyword-and-entropy rules, whose values have no provider format to vouch for them.
pub fn is_placeholder(value: &[u8], generic: bool) -> bool {
    let lower = String::from_utf8_lossy(value).to_ascii_lowercase();
    if MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    // Well-known published values: RFC 7617's `Aladdin:open sesame`, the storage
    // emulator's documented account key, keys in public SDK samples.
    if KNOWN_EXAMPLES.iter().any(|m| lower.contains(m) || (lower.len() >= 24 && m.contains(lower.as_str()))) {
        return true;
    }
    let bytes = lower.as_bytes();
    if bytes.is_empty() || bytes.iter().all(|&b| b == bytes[0]) || longest_run(bytes) >= 8 || is_sequence(bytes) {
        return true;
    }
    if is_filler(bytes) {
        return true;
    }
    if generic {
        if GENERIC_MARKERS.iter().any(|m| lower.contains(m)) {
            return true;
        }
        if has_filler_word(value) {
            return true;
        }
        // References: `$VAR`, `%VAR%`, `@var`, calls and member access like `cfg.get(x)`.
        if matches!(bytes[0], b'$' | b'%' | b'@' | b'&' | b'*') || lower.contains('(') || lower.contains(')') {
            return true;
        }
        // Words, names and paths (`Access-Control-Allow-Credentials`, `~/.aws/credentials`,
        // `:DECODE_ERROR:`, `Contraseña`): no digit and nothing but letters and separators.
        let wordish = |b: &u8| b.is_ascii_alphabetic() || !b.is_ascii() || b" -_./:~".contains(b);
        if !bytes.iter().any(u8::is_ascii_digit) && bytes.iter().all(wordish) {
            return true;
        }
        // Text in another script (translations): secrets are ASCII.
        if !value.is_ascii() {
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
        if is_dotted_name(value)
            || is_file_name(bytes)
            || is_pattern(value)
            || is_encoded_media(value)
            || is_readable_name(value)
            || is_timestamp(value)
        {
            return true;
        }
        // Base64 of a stand-in (`cGFzc3dvcmQ=` in a Kubernetes Secret is `password`).
        if let Some(decoded) = decode_printable_base64(value) {
            if is_placeholder(&decoded, true) {
                return true;
            }
        }
        if is_password_hash(bytes) || is_email(bytes) || is_escaped_bytes(value) || is_algorithm_name(bytes) {
            return true;
        }
        // `[claim_signature]`: a bracketed name in documentation.
        if bytes.starts_with(b"[") && bytes.ends_with(b"]") {
            return true;
        }
        // `C:\Users\build`, `D:/keys`: a Windows path.
        if bytes.len() > 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && matches!(bytes[2], b'\\' | b'/') {
            return true;
        }
        // 16 to 19 hex digits: an id or a short hash (`62d91b17309e76c8`), too short
        // for a key that is only hex.
        if (16..20).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_hexdigit) {
            return true;
        }
        // Resource names (`arn:aws:iam::…:role/x`, `urn:oasis:names:…`) identify, they
        // do not authenticate.
        if bytes.starts_with(b"arn:") || bytes.starts_with(b"urn:") {
            return true;
        }
    }
    false
}

/// Filler built from runs and repeats rather than one sequence: `abcdef123456`,
/// `1a2b3c4d`, `abcabcabc`, `12345678-1234-1234-1234-123456789012`, `aaaabbbb`,
/// `deadbeef…`, keyboard rows. Separators are ignored and case is folded.
pub fn is_filler(value: &[u8]) -> bool {
    let lower = value.to_ascii_lowercase();
    if FILLER_WORDS.iter().any(|w| lower.windows(w.len()).any(|x| x == w.as_bytes())) {
        return true;
    }
    let alnum: Vec<u8> = lower.into_iter().filter(u8::is_ascii_alphanumeric).collect();
    if alnum.len() < 6 {
        return false;
    }
    // A short unit repeated: `abcabcabc`, `a1b2a1b2`, `0000`.
    let repeats = (1..=alnum.len() / 2).any(|p| (p..alnum.len()).all(|i| alnum[i] == alnum[i - p]));
    if repeats {
        return true;
    }
    // Mostly stepwise: most characters sit in a stretch of at least three that climbs,
    // falls or stays by one (`abc`, `321`, `000`), read as neighbours or every other
    // character (`1a2b3c`). A random key has a few such stretches, not a majority.
    let steps = |a: u8, b: u8| a == b || a.wrapping_add(1) == b || b.wrapping_add(1) == a || (a == b'9' && b == b'0');
    let mut covered = vec![false; alnum.len()];
    for stride in [1, 2] {
        for i in 0..alnum.len().saturating_sub(2 * stride) {
            if steps(alnum[i], alnum[i + stride]) && steps(alnum[i + stride], alnum[i + 2 * stride]) {
                covered[i] = true;
                covered[i + stride] = true;
                covered[i + 2 * stride] = true;
            }
        }
    }
    covered.iter().filter(|&&c| c).count() * 4 >= alnum.len() * 3
}

/// Whether a filler word is a word of `value`. Words are split at anything but letters
/// and digits; words of four letters or more also where letters meet digits
/// (`test1234`, `pass99`), short ones only at separators (`foo_bar`), since a random
/// password such as `Pw8@zK3m` is full of two- and three-letter runs between digits.
fn has_filler_word(value: &[u8]) -> bool {
    let is_filler = |w: &[u8]| FILLER_TOKENS.iter().any(|t| w.eq_ignore_ascii_case(t.as_bytes()));
    value
        .split(|b| !b.is_ascii_alphanumeric())
        .any(|segment| is_filler(segment) || words(segment).any(|w| w.len() >= 4 && is_filler(w)))
}

/// The words of a value: split at anything but letters and digits, and where letters
/// meet digits (`test1234` is `test`, `1234`; `qZkTestR2` stays one word).
fn words(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = value;
    std::iter::from_fn(move || {
        let start = rest.iter().position(u8::is_ascii_alphanumeric)?;
        rest = &rest[start..];
        let digit = rest[0].is_ascii_digit();
        let len =
            rest.iter().position(|b| !b.is_ascii_alphanumeric() || b.is_ascii_digit() != digit).unwrap_or(rest.len());
        let (word, tail) = rest.split_at(len);
        rest = tail;
        Some(word)
    })
}

/// `V1LocalObjectReference`, `AuthenticationTokenProvider2`: a long identifier made of
/// readable words. Random keys split into short, vowel-less pieces; names do not. Only
/// for values of 16 characters or more without punctuation, so that a password such as
/// `Summer2024!` is still a password.
fn is_readable_name(value: &[u8]) -> bool {
    if value.len() < 16 || !value.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_') {
        return false;
    }
    let text = String::from_utf8_lossy(value);
    let letters = value.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let digits = value.len() - letters - value.iter().filter(|&&b| b == b'_').count();
    let readable: usize = key_words(&text)
        .iter()
        .map(|w| w.trim_matches(|c: char| c.is_ascii_digit()))
        .filter(|w| {
            w.len() >= 3 && w.chars().all(|c| c.is_ascii_alphabetic()) && w.contains(['a', 'e', 'i', 'o', 'u', 'y'])
        })
        .filter(|w| w.len() <= 12)
        .map(str::len)
        .sum();
    digits <= 3 && readable * 10 >= letters * 9
}

/// The text a padded or unpadded standard base64 value encodes, when it is printable
/// ASCII of 4 bytes or more (random keys rarely decode to text).
fn decode_printable_base64(value: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    use base64::Engine;
    if value.len() < 8 || !value.iter().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b)) {
        return None;
    }
    let decoded = STANDARD.decode(value).or_else(|_| STANDARD_NO_PAD.decode(value)).ok()?;
    (decoded.len() >= 4 && decoded.iter().all(|b| (0x20..0x7f).contains(b))).then_some(decoded)
}

/// `PBKDF2WithHmacSHA256`, `SHA256withRSA`, `AES/GCM/NoPadding`: an algorithm or
/// cipher transformation name, as Java's and .NET's crypto APIs spell them.
fn is_algorithm_name(lower: &[u8]) -> bool {
    const PARTS: &[&str] =
        &["withhmac", "withrsa", "withecdsa", "withdsa", "nopadding", "pkcs5padding", "pkcs1padding"];
    PARTS.iter().any(|p| lower.windows(p.len()).any(|w| w == p.as_bytes()))
}

/// A stored password hash in one of the usual encodings (crypt's `$id$`, Django's
/// `algorithm$iterations$salt$hash`, LDAP's `{SSHA}`): one-way, not the password.
fn is_password_hash(lower: &[u8]) -> bool {
    const PREFIXES: &[&str] = &[
        "$1$",
        "$2y$",
        "$5$",
        "$6$",
        "$y$",
        "$7$",
        "$pbkdf2",
        "pbkdf2_",
        "pbkdf2:",
        "scrypt:",
        "{ssha}",
        "{sha}",
        "{ssha256}",
        "{ssha512}",
        "{crypt}",
        "{md5}",
        "{smd5}",
        "sha1$",
        "md5$",
        "bcrypt$",
    ];
    PREFIXES.iter().any(|p| lower.starts_with(p.as_bytes()))
}

/// `anon@ftp.com`: an e-mail address (anonymous FTP's password, a contact), not a secret.
fn is_email(lower: &[u8]) -> bool {
    let Some(at) = lower.iter().position(|&b| b == b'@') else { return false };
    let (user, domain) = (&lower[..at], &lower[at + 1..]);
    !user.is_empty()
        && user.iter().all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(b))
        && domain.contains(&b'.')
        && domain.iter().all(|b| b.is_ascii_alphanumeric() || b".-".contains(b))
        && domain
            .rsplit(|&b| b == b'.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic))
}

/// `\x89PNG\r\n\x1a\n`: a byte-string literal of binary data.
fn is_escaped_bytes(value: &[u8]) -> bool {
    value.windows(2).filter(|w| w == b"\\x").count() >= 2
}

/// `2016-09-21T15:47:36Z`: a date or time.
fn is_timestamp(value: &[u8]) -> bool {
    let d = |i: usize| value.get(i).is_some_and(u8::is_ascii_digit);
    value.len() >= 10 && (0..4).all(d) && value[4] == b'-' && d(5) && d(6) && value[7] == b'-' && d(8) && d(9)
}

/// `errors.password.too_short`, `com.acme.TokenStore`, `cfg.db.Pass1`: dotted names
/// (members, message keys, packages, settings), each part an identifier of a readable
/// length whose digits, if any, end it (`Http2`, `Pass1`) or sit in a lowercase word
/// (`k8s`, `log4j`). `Kn8Um.yKk5Lnac` is a password with a dot in it, not a name.
pub fn is_dotted_name(value: &[u8]) -> bool {
    let parts: Vec<&[u8]> = value.split(|&b| b == b'.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            let digits_end = p.iter().skip_while(|b| !b.is_ascii_digit()).all(u8::is_ascii_digit);
            (1..=32).contains(&p.len())
                && (p[0].is_ascii_alphabetic() || p[0] == b'_')
                && p.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
                && p.iter().filter(|b| b.is_ascii_digit()).count() <= 2
                && (digits_end || !p.iter().any(u8::is_ascii_uppercase))
        })
}

/// `db-password.txt`, `secrets/prod.json`: a file name, by its extension.
fn is_file_name(lower: &[u8]) -> bool {
    const EXTENSIONS: &[&str] = &[
        "txt", "json", "yaml", "yml", "toml", "ini", "cfg", "conf", "env", "pem", "key", "crt", "cer", "der", "p12",
        "pfx", "jks", "keystore", "pub", "gpg", "asc", "xml", "html", "js", "ts", "py", "rb", "go", "java", "sh",
        "log", "db", "sqlite", "csv", "png", "svg", "jpg", "gif", "tgz", "gz", "zip", "lock", "md",
    ];
    match lower.iter().rposition(|&b| b == b'.') {
        Some(dot) if dot > 0 => {
            let ext = &lower[dot + 1..];
            EXTENSIONS.iter().any(|e| e.as_bytes() == ext)
        }
        _ => false,
    }
}

/// A regular expression, not a value: `^[A-Za-z0-9]{32}$`, `\d{4}-\w+`.
fn is_pattern(value: &[u8]) -> bool {
    let has = |s: &[u8]| value.windows(s.len()).any(|w| w == s);
    let escapes = [&b"\\d"[..], b"\\w", b"\\s", b"\\b", b"\\D", b"\\W", b"\\S", b"\\."];
    escapes.iter().any(|e| has(e))
        || has(b"[^")
        || has(b"(?")
        || has(b"]{")
        || has(b"]+")
        || has(b"]*")
        || (value.starts_with(b"^") && value.ends_with(b"$"))
}

/// Base64 of an image or other media (`iVBORw0KGgo` is a PNG's signature) and `data:`
/// URLs: encoded files, not credentials.
fn is_encoded_media(value: &[u8]) -> bool {
    const SIGNATURES: &[&[u8]] =
        &[b"iVBORw0KGgo", b"/9j/", b"R0lGOD", b"UklGR", b"PHN2Zy", b"PD94bWwg", b"AAABAA", b"data:"];
    SIGNATURES.iter().any(|s| value.starts_with(s))
}

/// Key names that name, count or point at a credential rather than hold one
/// (`token_id`, `secretName`, `password_hash`, `apiKeyField`, `public_key`,
/// `csrf_token`, `credentialsId`, `token_url`, `TOKEN_TYPE`, `key_file`).
///
/// The name is split into words at `_`, `-`, `.`, spaces and camelCase humps. It is an
/// identifier when its last word says what kind of thing it is (an id, a name, a path,
/// a length, a type, a hash …), or its first word says the value is public (`public…`,
/// `csrf…`, which guard forms, not accounts).
pub fn is_identifier_key(key: &[u8]) -> bool {
    const LAST: &[&str] = &[
        "id",
        "ids",
        "name",
        "names",
        "field",
        "fields",
        "length",
        "len",
        "size",
        "type",
        "types",
        "header",
        "headers",
        "env",
        "var",
        "url",
        "urls",
        "uri",
        "endpoint",
        "host",
        "file",
        "files",
        "filename",
        "path",
        "paths",
        "dir",
        "prefix",
        "suffix",
        "label",
        "hint",
        "title",
        "text",
        "message",
        "msg",
        "error",
        "placeholder",
        "param",
        "parameter",
        "attr",
        "attribute",
        "column",
        "table",
        "hash",
        "hashed",
        "digest",
        "checksum",
        "integrity",
        "sha",
        "sha1",
        "sha256",
        "sha512",
        "md5",
        "pattern",
        "regex",
        "re",
        "format",
        "template",
        "policy",
        "mode",
        "method",
        "algorithm",
        "alg",
        "count",
        "ttl",
        "timeout",
        "expiry",
        "expires",
        "lifetime",
        "version",
        "arn",
        "ref",
        "index",
        "idx",
        "class",
        "selector",
        "input",
        "button",
        "icon",
        "style",
        "enabled",
        "required",
        "visible",
        "strength",
        "rule",
        "rules",
        "validator",
        "kind",
        "schema",
        "used",
        "date",
        "time",
        "at",
        "updated",
        "created",
        "changed",
        "expiration",
        "since",
        "spec",
        "algo",
        "cipher",
    ];
    const FIRST: &[&str] = &["public", "pub", "csrf", "xsrf", "hashed", "encrypted"];
    // Tokens that page, order or de-duplicate requests (`NextToken`, `ClientToken`,
    // `LockToken`, `continuationToken`) or prove control of a domain: opaque, not
    // credentials.
    const NOT_CREDENTIAL_TOKENS: &[&str] = &[
        "next",
        "page",
        "continuation",
        "client",
        "lock",
        "change",
        "request",
        "idempotency",
        "action",
        "update",
        "sync",
        "resume",
        "pagination",
        "copy",
        "cancel",
        "cancellation",
        "verification",
        "csrf",
        "xsrf",
        "form",
        "sequence",
        "marker",
        "prev",
        "previous",
        "start",
    ];
    /// Word endings that make a word a credential slot (`dbpassword`, `accesstoken`,
    /// `apikey`); `tokenizer`, `secretary`, `passwordless` are other words.
    const CREDENTIAL_ENDINGS: &[&str] = &[
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "pw",
        "pass",
        "secret",
        "token",
        "key",
        "credential",
        "cred",
        "auth",
    ];
    let text = String::from_utf8_lossy(key);
    let parts = key_words(&text);
    let is_credential_word = |w: &str| {
        let w = w.strip_suffix('s').filter(|s| !s.ends_with("pas") && !s.is_empty()).unwrap_or(w);
        CREDENTIAL_ENDINGS.iter().any(|e| w.ends_with(e))
    };
    if !parts.iter().any(|w| is_credential_word(w)) {
        return true;
    }
    let paging = parts
        .windows(2)
        .any(|p| matches!(p[1].as_str(), "token" | "tokens") && NOT_CREDENTIAL_TOKENS.contains(&p[0].as_str()));
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else { return false };
    if parts.len() < 2 {
        return false;
    }
    // `user.hashed_password`: the qualifier starts the attribute, not the object path.
    let attribute = key_words(text.rsplit('.').next().unwrap_or(&text));
    let qualified = attribute.first().is_some_and(|w| FIRST.contains(&w.as_str()));
    paging || LAST.contains(&last.as_str()) || FIRST.contains(&first.as_str()) || qualified
}

/// Lowercase words of an identifier: `apiKeyID` → `api`, `key`, `id`.
fn key_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev: Option<char> = None;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev = None;
            continue;
        }
        let hump = c.is_ascii_uppercase() && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
        if hump && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
        prev = Some(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
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

    #[test]
    fn dotted_names_are_names_and_dotted_passwords_are_not() {
        for name in
            ["errors.password.too_short", "com.acme.TokenStore", "io.k8s.api", "cfg.db.Pass1", "org.apache.log4j"]
        {
            assert!(is_dotted_name(name.as_bytes()), "{name}");
        }
        for password in ["Kn8Um.yKk5Lnac", "Wg2Nw.rRx9Eqek", "Summer.2024"] {
            assert!(!is_dotted_name(password.as_bytes()), "{password}");
        }
    }
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
        for v in [
            "q8ZkR2vW7pLx9sT4mN3b",
            "ghp_R2d4Fq9ZkT7mWx1pLs0vBn3cYh8eJa0fG1h",
            "Tr0ub4dor&3horse",
            // a password in a password slot: a word, a year and a sign
            "Summer2024!",
            // two- and three-letter runs between digits are not words
            "Pw8@zK3mQx",
            "Abc7Foo2Xyz9",
            // `test` inside a longer run of letters is not the word `test`
            "q8ZkTestR2vW7pLx9sT4mN",
            "b7e1c9d2f4a84e6fa0c3d5e7f9a1b3c5",
            // base64 of `svc-build:Qz8r!Lw2v9`: decodes to a credential, not a stand-in
            "c3ZjLWJ1aWxkOlF6OHIhTHcydjk=",
        ] {
            assert!(!is_placeholder(v.as_bytes(), true), "{v}");
        }
    }

    #[test]
    fn filler_made_of_runs_and_repeats_is_recognised() {
        for p in [
            "abcdef123456",
            "1a2b3c4d5e6f",
            "a1b2c3d4",
            "abcabcabcabc",
            "xyzxyzxyz",
            "0000",
            "aaaabbbbcccc",
            "9876543210zyx",
            "12345678-1234-1234-1234-123456789012",
            "deadbeefdeadbeef",
            "DEADBEEF00112233",
            "qwerty123456",
            "123456abcdef7890",
        ] {
            assert!(is_placeholder(p.as_bytes(), false), "{p}");
        }
        // RFC 4122's sample UUID and OAuth's RFC example tokens are published examples.
        for p in [
            "f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
            "2YotnFZFEjr1zCsicMWpAA",
            "tGzv3JOkF0XG5Qx2TlKWIA",
            "ad180jjd733klru7",
            "changeit",
        ] {
            assert!(is_placeholder(p.as_bytes(), false), "{p}");
        }
        // Random keys, hex included, are not filler.
        for v in ["9f86d081884c7d659a2feaa0c55ad015", "Xk29fLq0wPz7Rn3vT5yB8mC1", "e266f885c95f3a67467c5eab8e3d28dd"] {
            assert!(!is_filler(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn stand_in_words_count_only_as_whole_words() {
        for p in [
            "your_api_key_here",
            "<token>",
            "{{ secret }}",
            "%(password)s",
            "$PASSWORD",
            "process.env.STRIPE_KEY",
            "REPLACE_ME",
            "dummy-value-1",
            "my-test-token-9",
            "test_9f8e7d6c5b4a",
            "Foo_Bar_2024",
            "cGFzc3dvcmQxMjM=",
        ] {
            assert!(is_placeholder(p.as_bytes(), true), "{p}");
        }
        for p in ["dummy", "example", "sample", "fake1234"] {
            assert!(is_placeholder(p.as_bytes(), false), "{p}");
        }
    }

    #[test]
    fn values_that_are_names_paths_patterns_or_media_are_not_secrets() {
        for p in [
            "V1LocalObjectReference",
            "PreTrainedTokenizerFast",
            "errors.password.too_short",
            "com.acme.auth.TokenStore",
            "db-password-2.txt",
            "secrets/prod-2024.json",
            "^[A-Za-z0-9]{32}$",
            "\\d{4}-\\w{8}",
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",
            "2016-09-21T15:47:36Z",
            "arn:aws:iam::123456789012:role/deploy",
            "urn:ietf:params:oauth:token-type:jwt",
            "Contrase\u{f1}a-2024",
            "[claim_signature]",
            "C:\\Users\\build\\keys",
            "62d91b17309e76c8",
            "pbkdf2_sha256$30000$Vo0VlMnkR4Bk$qEvtdyZRWTcOsCnI/oQ7fVOu1XAURIZYoOZ3iq8Dr4M=",
            "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
            "anon@ftp.com",
            "\\x89PNG\\r\\n\\x1a\\n",
            "asdf1234",
            "PBKDF2WithHmacSHA256",
            "AES/GCM/NoPadding",
        ] {
            assert!(is_placeholder(p.as_bytes(), true), "{p}");
        }
    }

    #[test]
    fn identifier_keys_are_told_from_secret_slots() {
        for k in [
            "token_id",
            "secretName",
            "credentialsId",
            "api_key_id",
            "APIKeyID",
            "aws_secret_name",
            "password_hash",
            "PASSWORD_FIELD",
            "apiKeyHeader",
            "token_url",
            "key_file",
            "ssh_key_path",
            "PASSWORD_MIN_LENGTH",
            "TOKEN_TYPE",
            "DB_PASSWORD_ENV",
            "publicKey",
            "csrf_token",
            "NextToken",
            "ClientToken",
            "continuationToken",
            "tokenizer",
            "secretary_email",
            "PasswordLastUsed",
            "hashed_password",
            "encrypted_password",
            "user.hashed_password",
        ] {
            assert!(is_identifier_key(k.as_bytes()), "{k}");
        }
        for k in [
            "password",
            "DB_PASSWORD",
            "apiKey",
            "client_secret",
            "AWS_SECRET_ACCESS_KEY",
            "x-api-key",
            "SessionToken",
            "password_confirmation",
            "config.db.password",
            "accesstoken",
            "credentials",
            "secret_key_base",
        ] {
            assert!(!is_identifier_key(k.as_bytes()), "{k}");
        }
    }
}
