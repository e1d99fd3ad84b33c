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
