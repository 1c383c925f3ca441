//! The `rescuedesk` binary: configuration errors, migrate, user add/list and token create against a real file.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::helpers::{Backend, TestApp};

/// Runs the built binary in `dir` with `args`, extra environment and `stdin`; waits for it.
pub fn rescuedesk(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: &str,
) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rescuedesk"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rescuedesk");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

#[test]
fn bad_configuration_stops_start_up_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = rescuedesk(
        dir.path(),
        &["migrate"],
        &[("RESCUEDESK__DATABASE__URI", "x")],
        "",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("`database.uri`"),
        "{}",
        text(&out.stderr)
    );

    let out = rescuedesk(
        dir.path(),
        &["migrate"],
        &[("RESCUEDESK__DATABASE__URL", "mysql://root:pw@db/x")],
        "",
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("database.url") && !err.contains("pw@"),
        "{err}"
    );

    std::fs::write(dir.path().join("bad.toml"), "[server]\nport = \"eighty\"\n").unwrap();
    let out = rescuedesk(dir.path(), &["serve", "--config", "bad.toml"], &[], "");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("server.port"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !dir.path().join("data").exists(),
        "nothing created on a bad start"
    );
}

#[test]
fn migrate_creates_the_default_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = rescuedesk(dir.path(), &["migrate"], &[], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stdout).starts_with("0 "),
        "{}",
        text(&out.stdout)
    );
    assert!(dir.path().join("data/rescuedesk.sqlite3").is_file());
    let again = rescuedesk(dir.path(), &["migrate"], &[], "");
    assert!(text(&again.stdout).contains("0 migration(s) applied"));
}

#[test]
fn help_is_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["demo", "--help"],
        vec!["migrate", "--help"],
        vec!["backup", "--help"],
        vec!["restore", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "list", "--help"],
        vec!["token", "create", "--help"],
    ] {
        let out = rescuedesk(dir.path(), &args, &[], "");
        assert!(out.status.success(), "{args:?}");
        assert!(text(&out.stdout).contains("Usage"), "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_and_tokens_from_the_command_line() {
    // The server and the CLI share one SQLite file, as an operator would have them.
    let app = TestApp::spawn(Backend::Sqlite).await;
    let url = app.database_url();
    let dir = tempfile::tempdir().unwrap();
    let env = [("RESCUEDESK__DATABASE__URL", url.as_str())];
    let add = [
        "user",
        "add",
        "--login",
        "hz.agent2",
        "--name",
        "赵敏",
        "--phone",
        "13912345678",
        "--email",
        "zhao@test.cn",
        "--dealer",
        "hz",
        "--role",
        "call_agent,service_manager",
    ];
    let out = rescuedesk(dir.path(), &add, &env, "s3cret-pass\n");
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = rescuedesk(dir.path(), &add, &env, "s3cret-pass\n");
    assert!(!out.status.success(), "login taken");
    assert!(text(&out.stderr).contains("login"));

    let bad = [
        "user", "add", "--login", "x", "--name", "", "--phone", "123", "--email", "nope",
        "--dealer", "zz", "--role", "boss",
    ];
    let out = rescuedesk(dir.path(), &bad, &env, "short\n");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    for field in ["login", "name", "phone", "email", "roles", "password"] {
        assert!(err.contains(&format!("{field}:")), "{field} in {err}");
    }

    let out = rescuedesk(dir.path(), &["user", "list"], &env, "");
    let list = text(&out.stdout);
    assert!(
        list.contains("hz.agent2") && list.contains("call_agent,service_manager"),
        "{list}"
    );

    let out = rescuedesk(
        dir.path(),
        &["token", "create", "--user", "hz.agent2"],
        &env,
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token = text(&out.stdout).trim().to_owned();
    assert!(token.starts_with("rdk_"));
    let (status, me) = app.get_json(&token, "/api/v1/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["login"], "hz.agent2");
    assert_eq!(
        me["roles"],
        serde_json::json!(["call_agent", "service_manager"])
    );

    let out = rescuedesk(
        dir.path(),
        &["token", "create", "--user", "nobody"],
        &env,
        "",
    );
    assert!(!out.status.success());
}
