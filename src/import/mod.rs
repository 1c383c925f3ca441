//! Imports from a dealer management system (DMS): CSV files of parts, stock and service history,
//! parsed and checked row by row into typed records and a report of every bad cell.
//!
//! Pure: no database and no HTTP here. `services::imports` matches the records against the
//! database and writes them in one transaction.

pub mod cells;
pub mod decode;
pub mod history;
pub mod parts;
pub mod reader;
pub mod report;
pub mod rota;
pub mod stock;

pub use reader::{Column, CsvRows, Row};
pub use report::{Downgrade, ImportReport, Problem, Refusal, RowError};

use serde::{Deserialize, Serialize};

use crate::domain::role::Action;

/// Which file is being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Parts,
    Stock,
    History,
    /// The duty rota of the importer's own dealer.
    Rota,
}

impl ImportKind {
    pub const ALL: [ImportKind; 4] = [
        ImportKind::Parts,
        ImportKind::Stock,
        ImportKind::History,
        ImportKind::Rota,
    ];

    pub fn parse(s: &str) -> Option<ImportKind> {
        ImportKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Parts => "parts",
            ImportKind::Stock => "stock",
            ImportKind::History => "history",
            ImportKind::Rota => "rota",
        }
    }

    /// The catalogue key of its name, e.g. "Parts catalogue".
    pub fn label_key(self) -> &'static str {
        match self {
            ImportKind::Parts => "import-kind-parts",
            ImportKind::Stock => "import-kind-stock",
            ImportKind::History => "import-kind-history",
            ImportKind::Rota => "rota-import-kind",
        }
    }

    /// Who may import it from the page or the API: the catalogue is shared by every dealer group
    /// and belongs to the platform; stock and history belong to the importer's own group.
    pub fn action(self) -> Action {
        match self {
            ImportKind::Parts => Action::ImportCatalogue,
            ImportKind::Stock | ImportKind::History => Action::ImportGroupData,
            // A dealer's own desk runs its rota.
            ImportKind::Rota => Action::EditRota,
        }
    }

    /// The columns a file of this kind has, for the header check and the documentation.
    pub fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Parts => parts::COLUMNS,
            ImportKind::Stock => stock::COLUMNS,
            ImportKind::History => history::COLUMNS,
            ImportKind::Rota => rota::COLUMNS,
        }
    }
}

/// What the caller sees while a file is being imported (the CLI draws a progress bar from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Checking rows; `bytes` of the file read so far.
    Checking { bytes: u64, rows: u64 },
    /// Writing the changes: `done` of `total`.
    Writing { done: u64, total: u64 },
}
