//! Human-readable visitor ids ("amber-otter-4821") so agents can tell anonymous visitors apart.

const ADJECTIVES: [&str; 32] = [
    "amber", "brave", "calm", "clever", "cosmic", "crisp", "daring", "eager", "fancy", "gentle",
    "golden", "happy", "jolly", "kind", "lively", "lucky", "merry", "misty", "noble", "olive",
    "proud", "quick", "quiet", "rapid", "rosy", "shiny", "silver", "sunny", "swift", "tidy",
    "vivid", "witty",
];
const ANIMALS: [&str; 32] = [
    "badger", "bear", "beaver", "bison", "crane", "deer", "dolphin", "eagle", "falcon", "ferret",
    "finch", "fox", "gecko", "heron", "ibis", "koala", "lemur", "lynx", "moose", "newt", "otter",
    "owl", "panda", "puffin", "quail", "raven", "seal", "stoat", "swan", "tiger", "walrus",
    "wombat",
];

/// Derives a readable id from random bytes the caller supplies.
pub fn readable_id(random: [u8; 4]) -> String {
    let adj = ADJECTIVES[(random[0] % 32) as usize];
    let animal = ANIMALS[(random[1] % 32) as usize];
    let n = u16::from_le_bytes([random[2], random[3]]) % 10_000;
    format!("{adj}-{animal}-{n:04}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn readable() {
        assert_eq!(super::readable_id([0, 20, 0, 0]), "amber-otter-0000");
        assert_eq!(
            super::readable_id([255, 255, 255, 255]),
            "witty-wombat-5535"
        );
    }
}
