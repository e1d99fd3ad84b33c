//! The module's WASM stack. Rust's default is 1 MiB, and the linear memory starts at least that
//! big; the widget's deepest call chains use a few KiB (the bench reports the high-water mark:
//! `scripts/bench`, "WASM stack used"). The stack sits below the data (`--stack-first`), so an
//! overflow traps instead of overwriting memory.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size={}", 64 * 1024);
    }
}
