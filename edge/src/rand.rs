//! Randomness from the runtime's CSPRNG (`crypto.getRandomValues` through getrandom).

use porchlight_shared::ApiError;

pub fn bytes<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).map_err(crate::internal)?;
    Ok(b)
}

/// `prefix` + 2N hex characters.
pub fn id<const N: usize>(prefix: &str) -> Result<String, ApiError> {
    let b = bytes::<N>()?;
    let mut s = String::with_capacity(prefix.len() + 2 * N);
    s.push_str(prefix);
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    Ok(s)
}

/// N characters of the URL-safe alphabet (letters, digits, `-`, `_`): 6 random bits each
/// (64 divides 256, so every character is uniform).
pub fn url_safe<const N: usize>() -> Result<String, ApiError> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    Ok(bytes::<N>()?
        .iter()
        .map(|b| ALPHABET[(b & 63) as usize] as char)
        .collect())
}
