//! Rebuilds the crate when a migration is added or changed: `embed_migrations!` reads the
//! migration folders at compile time, and cargo does not notice a new folder by itself (a
//! cached build, as CI keeps one, would embed the old list).

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
