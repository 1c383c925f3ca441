//! Which catalogue parts fit a car, read from part names and numbers (the catalogue has no
//! fitment table): ranks the editor's search hits.

/// What is known of the car a part must fit. The catalogue has no fitment table: fitment lives
/// in the part names (`点火线圈（EA888 2.0T）`, `（帕萨特）`) and in the part number's first group
/// (`06K …` is the EA888's, `3GD …` the Passat's). So the car's engine is read from the parts of
/// its own service history (their number groups and engine codes), its model from the ticket.
#[derive(Debug, Default)]
pub struct FitHints {
    history_part_nos: Vec<String>,
    prefixes: Vec<String>,
    engine_codes: Vec<String>,
    model_words: Vec<String>,
}

/// `EA211`, `EA888`, `EA390`: the engine families the catalogue names carry.
fn engine_codes(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.to_uppercase().chars().collect();
    let mut out = Vec::new();
    for w in chars.windows(5) {
        if w[0] == 'E' && w[1] == 'A' && w[2..].iter().all(char::is_ascii_digit) {
            out.push(w.iter().collect());
        }
    }
    out
}

impl FitHints {
    pub fn of<'a>(model: &str, history: impl Iterator<Item = (&'a str, &'a str)>) -> FitHints {
        let mut h = FitHints {
            model_words: model
                .split_whitespace()
                .filter(|w| w.chars().count() >= 2)
                .map(str::to_lowercase)
                .collect(),
            engine_codes: engine_codes(model),
            ..FitHints::default()
        };
        for (part_no, name) in history {
            h.history_part_nos.push(part_no.to_owned());
            if let Some(p) = part_no.split_whitespace().next() {
                h.prefixes.push(p.to_owned());
            }
            h.engine_codes.extend(engine_codes(name));
        }
        h
    }

    /// 0: replaced on this very car before; 1: named for its model or engine; 2: no fitment
    /// known; 3: named for another engine family than the car's.
    pub fn rank(&self, part_no: &str, name_zh: &str, name_en: &str) -> u8 {
        if self.history_part_nos.iter().any(|p| p == part_no) {
            return 0;
        }
        let names = format!("{name_zh} {name_en}").to_lowercase();
        let first = part_no.split_whitespace().next().unwrap_or("");
        let codes = engine_codes(&names);
        if self.prefixes.iter().any(|p| p == first)
            || codes.iter().any(|c| self.engine_codes.contains(c))
            || self.model_words.iter().any(|w| names.contains(w.as_str()))
        {
            return 1;
        }
        if !codes.is_empty() && !self.engine_codes.is_empty() {
            return 3;
        }
        2
    }
}

#[cfg(test)]
mod tests {
    use super::FitHints;

    #[test]
    fn parts_for_the_cars_engine_come_first() {
        // An EA888 car: its history has an oil filter of the 06K group.
        let h = FitHints::of(
            "帕萨特 Passat",
            [("06K 115 562", "机油滤清器（EA888 2.0T）")].into_iter(),
        );
        let coil_211 = h.rank(
            "04E 905 110",
            "点火线圈（EA211 1.4T）",
            "Ignition coil (EA211 1.4 TSI)",
        );
        let coil_888 = h.rank(
            "06K 905 110",
            "点火线圈（EA888 2.0T）",
            "Ignition coil (EA888 2.0 TSI)",
        );
        let generic = h.rank("N 102 621 02", "保险丝套装", "Fuse kit");
        let passat = h.rank("3GD 945 095", "尾灯（帕萨特）", "Tail light (Passat)");
        assert_eq!((coil_888, passat, generic, coil_211), (1, 1, 2, 3));
        assert_eq!(h.rank("06K 115 562", "x", "y"), 0, "replaced on this car");
    }

    #[test]
    fn unknown_car_ranks_nothing_down() {
        let h = FitHints::of("", std::iter::empty());
        assert_eq!(h.rank("04E 905 110", "点火线圈（EA211 1.4T）", "coil"), 2);
    }
}
