//! The SQLite and PostgreSQL migration folders stay in step and build the same tables and columns.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use rescuedesk::db::{AnyConnection, Db};

use crate::both;
use crate::helpers::{fresh_database, page_text, postgres_url, settings_for, Backend, TestApp};

fn folder_names(backend: &str) -> BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn both_folders_hold_the_same_migrations() {
    let sqlite = folder_names("sqlite");
    let postgres = folder_names("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
    for name in &sqlite {
        for backend in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("migrations")
                    .join(backend)
                    .join(name)
                    .join(file);
                assert!(path.is_file(), "{} missing", path.display());
            }
        }
    }
}

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = BigInt)]
    not_null: i64,
}

fn columns(backend: Backend) -> BTreeSet<(String, String, bool)> {
    let (url, _dir) = fresh_database(backend);
    let db = Db::connect(&settings_for(&url).database).unwrap();
    db.migrate().unwrap();
    let rows: Vec<Column> = db
        .read_blocking(|conn| {
            let sql = match conn {
                // SQLite lets a non-integer primary key hold NULL unless declared NOT NULL;
                // PostgreSQL makes every key column NOT NULL: count keys as NOT NULL.
                AnyConnection::Sqlite(_) => "SELECT m.name AS table_name, p.name AS column_name, \
                     CAST(MAX(p.\"notnull\", p.pk > 0) AS BIGINT) AS not_null \
                     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'",
                AnyConnection::Postgresql(_) => "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                     CAST(CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END AS BIGINT) AS not_null \
                     FROM information_schema.columns \
                     WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
            };
            Ok(diesel::sql_query(sql).load(conn)?)
        })
        .unwrap();
    rows.into_iter()
        .map(|c| (c.table_name, c.column_name, c.not_null == 1))
        .collect()
}

#[test]
fn both_databases_get_the_same_tables_and_columns() {
    let sqlite = columns(Backend::Sqlite);
    assert!(
        sqlite.len() > 150,
        "the whole flow's schema: {} columns",
        sqlite.len()
    );
    assert!(sqlite.contains(&("stock".into(), "reserved".into(), true)));
    if postgres_url().is_none() {
        return;
    }
    let postgres = columns(Backend::Postgres);
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:?}\nonly in PostgreSQL: {only_postgres:?}"
    );
}

#[test]
fn migrations_run_twice_are_a_no_op() {
    let (url, _dir) = fresh_database(Backend::Sqlite);
    let db = Db::connect(&settings_for(&url).database).unwrap();
    assert!(db.migrate().unwrap() >= 2);
    assert_eq!(db.migrate().unwrap(), 0);
    // WAL and foreign keys are on for the file and every connection.
    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }
    #[derive(QueryableByName)]
    struct Fk {
        #[diesel(sql_type = BigInt)]
        foreign_keys: i64,
    }
    let (mode, fk) = db
        .read_blocking(|conn| {
            let m: Mode = diesel::sql_query("PRAGMA journal_mode").get_result(conn)?;
            let f: Fk = diesel::sql_query("PRAGMA foreign_keys").get_result(conn)?;
            Ok((m.journal_mode, f.foreign_keys))
        })
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(fk, 1);
}

/// Texts the system stored in both languages before the catalogue: the migration maps them to
/// their codes, and the ticket page shows them in the reader's language, one language only.
async fn old_bilingual_system_texts_render_in_the_page_language(backend: Backend) {
    use diesel::connection::SimpleConnection;

    let app = TestApp::spawn(backend).await;
    let id = app.new_ticket().await;
    let rows = [
        ("old-revised", "方案改为第 3 版 / plan revised to v3"),
        (
            "old-position",
            "客户手机定位 / The customer's phone position",
        ),
        ("old-typed", "客户说 / 明天再来"),
    ];
    let backend_dir = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let up = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend_dir)
            .join("2026-12-01-000011_system_text_codes")
            .join("up.sql"),
    )
    .unwrap();
    let ticket = id.clone();
    let stored: Vec<String> = app
        .db
        .write_blocking(move |conn| {
            // The audit trail became append-only later (000032): an older database had no guard.
            conn.batch_execute(match backend {
                Backend::Sqlite => {
                    "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
                }
                Backend::Postgres => "DROP TRIGGER audit_events_no_change ON audit_events;",
            })?;
            for (row, comment) in rows {
                diesel::sql_query(format!(
                    "INSERT INTO audit_events (id, dealer_id, ticket_id, entity, entity_id, action, comment, created_at) \
                     SELECT '{row}', dealer_id, id, 'ticket', id, 'plan.revised', '{}', created_at \
                     FROM tickets WHERE id = '{ticket}'",
                    comment.replace('\'', "''")
                ))
                .execute(conn)?;
            }
            // The rows as an older version left them, then the migration as it ran on them.
            conn.batch_execute(&up)?;
            #[derive(QueryableByName)]
            struct Comment {
                #[diesel(sql_type = Text)]
                comment: String,
            }
            let out: Vec<Comment> = diesel::sql_query(
                "SELECT comment FROM audit_events WHERE id IN ('old-revised', 'old-position', 'old-typed') ORDER BY id",
            )
            .load(conn)?;
            Ok(out.into_iter().map(|c| c.comment).collect())
        })
        .unwrap();
    assert_eq!(
        stored,
        [
            "sys:customer_phone_position",
            "sys:plan_revised:3",
            "客户说 / 明天再来"
        ],
        "ordered by id: position, revised, typed"
    );
    let agent = crate::pages::signed_in(&app, "hz.agent").await;
    agent.get(app.url("/lang/en")).send().await.unwrap();
    let html = page_text(&agent, &app, &format!("/tickets/{id}")).await;
    assert!(html.contains("plan revised to v3"), "{html}");
    assert!(html.contains("The customer&#39;s phone position"), "{html}");
    assert!(!html.contains("方案改为") && !html.contains("客户手机定位") && !html.contains("sys:"));
    assert!(
        html.contains("客户说 / 明天再来"),
        "a person's words stay as typed"
    );
    agent.get(app.url("/lang/zh-CN")).send().await.unwrap();
    let html = page_text(&agent, &app, &format!("/tickets/{id}")).await;
    assert!(
        html.contains("方案改为第 3 版") && !html.contains("plan revised to"),
        "{html}"
    );
}

both!(
    old_bilingual_system_texts,
    old_bilingual_system_texts_render_in_the_page_language
);

both!(
    the_audit_trail_cannot_be_changed_or_removed,
    audit_append_only_body
);
async fn audit_append_only_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.new_ticket().await;
    let before = app.count("audit_events");
    assert!(before > 0, "the intake is audited");
    let refused = |sql: &'static str| {
        app.db
            .write_blocking(move |conn| {
                diesel::sql_query(sql).execute(conn)?;
                Ok(())
            })
            .expect_err(sql)
    };
    for sql in [
        "UPDATE audit_events SET action = 'ticket.nothing_happened'",
        "DELETE FROM audit_events",
    ] {
        // The trigger's refusal, as any database error: internal, its text only in the log.
        let e = refused(sql);
        assert_eq!(
            e.code,
            rescuedesk::error::ErrorCode::Internal,
            "{sql}: {e:?}"
        );
    }
    if matches!(backend, Backend::Postgres) {
        refused("TRUNCATE audit_events");
    }
    assert_eq!(app.count("audit_events"), before, "every event still there");
    // Appending still works: the next step of the rescue is recorded.
    app.new_ticket().await;
    assert!(app.count("audit_events") > before);
}
