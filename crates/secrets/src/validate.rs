//! Offline checks of a token's structure. Where a format carries a checksum, a value
//! whose checksum is wrong is not a token (a typo, a made-up string), so it does not
//! block; one whose checksum is right is certainly a token of that provider.

use base64::Engine;

/// What a validator concluded about a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The structure is right; the note says what was verified.
    Verified(&'static str),
    /// The structure is wrong: not a credential of this kind.
    Rejected,
}

/// The validators a rule may name, so policy loading can reject unknown names.
pub const VALIDATORS: &[&str] = &["github-checksum", "npm-checksum", "bech32", "jwt", "pypi-macaroon", "base64"];

/// Runs the named validator on a value.
pub fn validate(name: &str, value: &[u8]) -> Verdict {
    let ok = match name {
        "github-checksum" => crc32_base62_checksum(value, &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]),
        "npm-checksum" => crc32_base62_checksum(value, &["npm_"]),
        "bech32" => bech32_checksum(value),
        "jwt" => is_jwt(value),
        "pypi-macaroon" => is_pypi_macaroon(value),
        "base64" => decode_base64(value).is_some(),
        _ => false,
    };
    match (ok, name) {
        (true, "github-checksum" | "npm-checksum" | "bech32") => Verdict::Verified("checksum verified offline"),
        (true, "jwt") => Verdict::Verified("JWT header decoded"),
        (true, "pypi-macaroon") => Verdict::Verified("PyPI macaroon decoded"),
        (true, _) => Verdict::Verified("structure verified"),
        (false, _) => Verdict::Rejected,
    }
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The base62 form of `n`, left-padded with `0` to `width`.
pub fn base62(mut n: u32, width: usize) -> String {
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while digits.len() < width {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// GitHub's token format (copied by npm): prefix, 30 random base62 characters, and the
/// CRC-32 of those 30 characters in 6 base62 digits.
fn crc32_base62_checksum(value: &[u8], prefixes: &[&str]) -> bool {
    let Some(prefix) = prefixes.iter().find(|p| value.starts_with(p.as_bytes())) else {
        return false;
    };
    let body = &value[prefix.len()..];
    if body.len() != 36 || !body.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (random, check) = body.split_at(30);
    base62(crc32fast::hash(random), 6).as_bytes() == check
}

/// Bech32 (BIP 173), as age secret keys are written: `hrp 1 data`, whose last six
/// characters are a BCH checksum over the human-readable part and the data.
fn bech32_checksum(value: &[u8]) -> bool {
    const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const GEN: [u32; 5] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3];
    let lower = value.to_ascii_lowercase();
    let Some(sep) = lower.iter().rposition(|&b| b == b'1') else { return false };
    let (hrp, data) = (&lower[..sep], &lower[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 {
        return false;
    }
    let mut values: Vec<u8> = hrp.iter().map(|b| b >> 5).collect();
    values.push(0);
    values.extend(hrp.iter().map(|b| b & 31));
    for c in data {
        match CHARSET.iter().position(|x| x == c) {
            Some(v) => values.push(v as u8),
            None => return false,
        }
    }
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk == 1
}

fn decode_base64(value: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed: &[u8] = match value.iter().rposition(|&b| b != b'=') {
        Some(i) => &value[..=i],
        None => return None,
    };
    STANDARD_NO_PAD.decode(trimmed).or_else(|_| URL_SAFE_NO_PAD.decode(trimmed)).ok()
}

/// Three base64url segments whose first decodes to a JSON object with an `alg`.
fn is_jwt(value: &[u8]) -> bool {
    let mut parts = value.split(|&b| b == b'.');
    let Some(header) = parts.next() else { return false };
    let (Some(_payload), Some(_sig)) = (parts.next(), parts.next()) else { return false };
    decode_base64(header)
        .and_then(|h| serde_json::from_slice::<serde_json::Value>(&h).ok())
        .is_some_and(|h| h.get("alg").is_some())
}

/// `pypi-` then a base64url macaroon whose location is pypi.org or test.pypi.org.
fn is_pypi_macaroon(value: &[u8]) -> bool {
    let Some(body) = value.strip_prefix(b"pypi-") else { return false };
    decode_base64(body).is_some_and(|m| m.windows(8).any(|w| w == b"pypi.org"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn github_token(prefix: &str, random: &str) -> String {
        format!("{prefix}{random}{}", base62(crc32fast::hash(random.as_bytes()), 6))
    }

    #[test]
    fn github_checksums_are_verified() {
        let good = github_token("ghp_", "R2d4Fq9ZkT7mWx1pLs0vBn3cYh8eJa");
        assert_eq!(validate("github-checksum", good.as_bytes()), Verdict::Verified("checksum verified offline"));
        let mut bad = good.clone().into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(validate("github-checksum", &bad), Verdict::Rejected);
        assert_eq!(validate("npm-checksum", good.as_bytes()), Verdict::Rejected);
        let npm = github_token("npm_", "R2d4Fq9ZkT7mWx1pLs0vBn3cYh8eJa");
        assert!(matches!(validate("npm-checksum", npm.as_bytes()), Verdict::Verified(_)));
    }

    #[test]
    fn bech32_checksums_are_verified() {
        // BIP 173's own valid test vectors.
        assert!(bech32_checksum(b"A12UEL5L"));
        assert!(bech32_checksum(b"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"));
        assert!(!bech32_checksum(b"A12UEL5M"));
        assert!(!bech32_checksum(b"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx"));
        assert!(!bech32_checksum(b"nosepchars"));
    }

    #[test]
    fn base62_pads() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 2), "0z");
        assert_eq!(base62(62, 1), "10");
    }

    #[test]
    fn jwt_needs_a_decodable_header() {
        let jwt = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        assert!(matches!(validate("jwt", jwt), Verdict::Verified(_)));
        assert_eq!(validate("jwt", b"eyJub3QiOiJqd3QifQ.eyJ4IjoxfQ.sig"), Verdict::Rejected);
        assert_eq!(validate("jwt", b"abc.def"), Verdict::Rejected);
    }

    #[test]
    fn pypi_macaroons_name_pypi() {
        assert!(matches!(validate("pypi-macaroon", b"pypi-AgEIcHlwaS5vcmcCJGFiY2Q"), Verdict::Verified(_)));
        assert_eq!(validate("pypi-macaroon", b"pypi-QUJDREVGR0g"), Verdict::Rejected);
    }
}
