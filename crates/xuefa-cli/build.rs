//! Names the commit the binary was built from, for `xuefa --version`: `XUEFA_COMMIT` when
//! set (a packager's build), else what git says of this checkout, else the `COMMIT` file a
//! source bundle carries, else `unknown`.

use std::path::Path;
use std::process::Command;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    println!("cargo:rerun-if-env-changed=XUEFA_COMMIT");
    // Only what exists: a missing path would make cargo run this again on every build.
    for watched in [".git/HEAD", ".git/refs/heads", ".git/packed-refs", "COMMIT"] {
        let path = root.join(watched);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    let commit = std::env::var("XUEFA_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| {
            let out = Command::new("git")
                .args(["rev-parse", "--short=12", "HEAD"])
                .current_dir(&root)
                .output()
                .ok()?;
            out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        })
        .or_else(|| std::fs::read_to_string(root.join("COMMIT")).ok())
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric()))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=XUEFA_COMMIT={commit}");
}
