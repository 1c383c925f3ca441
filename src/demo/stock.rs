//! Stock per dealer: spread unevenly by dealer size and part turnover, with a few parts placed on purpose to show sister transfers and manufacturer orders.

use chrono::{Duration, NaiveDate};
use rand::Rng;

use super::catalogue::{Catalogue, Turnover};
use super::{at, rng_for, Bin, DealerInfo, Showcase, StockRow};

/// Where a showcase part is found.
enum Placement {
    /// Only these dealers (never `hz`), so the parts desk must source it.
    Only(&'static [&'static str]),
    /// No dealer at all: only a manufacturer emergency order helps.
    Nowhere,
}

enum Pick {
    Generic(&'static str),
    Model(&'static str, usize),
    Engine(&'static str, usize),
}

// Chosen so every sourcing rule has a demo case at `hz`: a wet battery
// (UN2794, no air) a short drive away in Ningbo and Shaoxing; a Tiguan L
// airbag (UN3268) only in far-off Wenzhou; a monitored smart key at the
// other Hangzhou dealer; a monitored ECU; an expensive headlight; and an
// EV battery module (UN3480) and an immobiliser that nobody stocks.
const SHOWCASE: &[(Pick, Placement)] = &[
    (Pick::Generic("efb_61"), Placement::Only(&["nb", "sx"])),
    (Pick::Model("airbag_driver", 2), Placement::Only(&["wz"])),
    (Pick::Model("smart_key", 2), Placement::Only(&["hz2", "jx"])),
    (Pick::Engine("ecu", 2), Placement::Only(&["nb"])),
    (Pick::Model("headlight", 1), Placement::Only(&["huz"])),
    (Pick::Model("hv_module", 10), Placement::Nowhere),
    (Pick::Model("kessy_unit", 4), Placement::Nowhere),
];

/// Stock, drawn one dealer at a time (each dealer has its own RNG stream).
pub(crate) struct Stocker {
    /// For each part: None = random, Some(list) = exactly these dealers.
    forced: Vec<Option<Vec<usize>>>,
    profile: Vec<PartProfile>,
}

impl Stocker {
    pub(crate) fn new(infos: &[DealerInfo], cat: &Catalogue) -> (Stocker, Showcase) {
        let mut forced: Vec<Option<Vec<usize>>> = vec![None; cat.parts.len()];
        let mut showcase = Showcase::default();
        for (pick, placement) in SHOWCASE {
            let part = match pick {
                Pick::Generic(key) => cat.generic(key),
                Pick::Model(key, model) => cat.model_part(key, *model, 0),
                Pick::Engine(key, engine) => cat.engine_part(key, *engine, 0),
            };
            let Some(part) = part else { continue };
            let part_no = cat.parts[part].part_no.clone();
            match placement {
                Placement::Only(codes) => {
                    let holders: Vec<usize> = codes
                        .iter()
                        .filter_map(|code| infos.iter().position(|i| i.code == *code))
                        .collect();
                    showcase
                        .only_at_sisters
                        .push((part_no, codes.iter().map(|c| (*c).to_owned()).collect()));
                    forced[part] = Some(holders);
                }
                Placement::Nowhere => {
                    showcase.stocked_nowhere.push(part_no);
                    forced[part] = Some(Vec::new());
                }
            }
        }
        let profile = cat
            .parts
            .iter()
            .zip(&cat.turnover)
            .map(|(part, turnover)| PartProfile::new(part, *turnover))
            .collect();
        (Stocker { forced, profile }, showcase)
    }

    /// Dealer `d`'s stock lines, in catalogue order.
    pub(crate) fn dealer(
        &self,
        seed: u64,
        stream: u64,
        d: usize,
        info: &DealerInfo,
        today: NaiveDate,
        percent: u32,
    ) -> Vec<StockRow> {
        let mut rows = Vec::new();
        let mut rng = rng_for(seed, stream, d);
        // Big dealers carry a wider range and deeper stock.
        let mut breadth = 0.45 + 0.55 * info.size;
        if percent != 100 {
            breadth *= f64::from(percent) / 100.0;
        }
        let depth = 0.5 + info.size;
        for (p, prof) in self.profile.iter().enumerate() {
            let stocked = match &self.forced[p] {
                Some(holders) => holders.contains(&d),
                None => rng.gen_bool((prof.chance * breadth).clamp(0.0, 1.0)),
            };
            if !stocked {
                continue;
            }
            let (lo, hi) = prof.quantity;
            let on_hand = ((f64::from(rng.gen_range(lo..=hi)) * depth).round() as i32).max(1);
            let bin = Bin {
                zone: prof.zone,
                rack: rng.gen_range(1..=24),
                level: rng.gen_range(1..=5),
            };
            let updated_at = at(
                today - Duration::days(rng.gen_range(1..=90)),
                rng.gen_range(30..600),
            );
            rows.push(StockRow {
                dealer: d as u32,
                part: p as u32,
                on_hand,
                bin,
                updated_at,
            });
        }
        rows
    }
}

struct PartProfile {
    chance: f64,
    quantity: (u32, u32),
    zone: char,
}

impl PartProfile {
    fn new(part: &super::Part, turnover: Turnover) -> PartProfile {
        let cheap = part.price_fen < 2_000;
        let (chance, quantity) = match turnover {
            Turnover::Fast if cheap => (0.97, (20, 150)),
            Turnover::Fast => (0.95, (6, 40)),
            Turnover::Medium => (0.85, (2, 16)),
            Turnover::Slow => (0.5, (1, 6)),
            Turnover::Rare => (0.22, (1, 2)),
        };
        // Monitored parts live in the locked cage, dangerous goods in the
        // ventilated hazmat cabinet, the rest by category.
        let zone = if part.monitored {
            'S'
        } else if part.dangerous_goods {
            'W'
        } else {
            match part.category.as_str() {
                "battery" | "electrical" | "lighting" => 'A',
                "filters" | "fluids" | "chemicals" => 'B',
                "brakes" | "suspension" => 'C',
                "wheels_tyres" => 'F',
                "ev" | "air_conditioning" => 'G',
                "body" | "safety" | "accessories" => 'E',
                _ => 'D',
            }
        };
        PartProfile {
            chance,
            quantity,
            zone,
        }
    }
}
