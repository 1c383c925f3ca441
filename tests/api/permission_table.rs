//! ARCHITECTURE.md's permission table is the code's: regenerate it with
//! `UPDATE_PERMISSIONS=1 cargo test --test api permission_table`.

const START: &str =
    "<!-- permission table: start (generated, see tests/api/permission_table.rs) -->\n";
const END: &str = "<!-- permission table: end -->";

#[test]
fn architecture_md_prints_the_permission_table_as_the_code_has_it() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let table = rescuedesk::domain::role::permission_table();
    let (Some(a), Some(b)) = (doc.find(START), doc.find(END)) else {
        panic!("ARCHITECTURE.md lacks the permission table's markers");
    };
    let printed = &doc[a + START.len()..b];
    if printed != table {
        if std::env::var_os("UPDATE_PERMISSIONS").is_some() {
            let updated = format!("{}{START}{table}{}", &doc[..a], &doc[b..]);
            // Whole or not at all: the other generated table's test reads the file meanwhile.
            let tmp = path.with_extension("md.permissions-tmp");
            std::fs::write(&tmp, updated).unwrap();
            std::fs::rename(&tmp, &path).unwrap();
        } else {
            panic!("the permission table in ARCHITECTURE.md is out of date; run UPDATE_PERMISSIONS=1 cargo test --test api permission_table\n{table}");
        }
    }
    // The table says something: the director approves, the agent does not.
    assert!(
        table.contains("| event `approval.approved` | | | | ✓ |"),
        "{table}"
    );
    assert!(table.lines().count() > 40, "{table}");
}
