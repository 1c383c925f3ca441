//! Reading HTML form bodies with repeated and dynamic field names (crew, part rows, `qty:<id>`).

use actix_web::web;

/// The decoded fields of an `application/x-www-form-urlencoded` body, in order.
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &web::Bytes) -> Fields {
        Fields(form_urlencoded::parse(body).into_owned().collect())
    }

    pub fn from_pairs(pairs: Vec<(String, String)>) -> Fields {
        Fields(pairs)
    }

    /// The first value of a field, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// Fields named `prefix<id>`, as (id, value).
    pub fn prefixed<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.0
            .iter()
            .filter_map(move |(k, v)| k.strip_prefix(prefix).map(|id| (id, v.trim())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_prefixed_fields() {
        let f = Fields::parse(&web::Bytes::from_static(
            b"crew=t1&crew=t2&lead=t1&qty%3Abattery=2&qty%3Afuse=1&note=+a+b+",
        ));
        assert_eq!(f.all("crew"), vec!["t1", "t2"]);
        assert_eq!(f.get("lead"), "t1");
        assert_eq!(f.get("missing"), "");
        assert_eq!(f.get("note"), "a b");
        let q: Vec<_> = f.prefixed("qty:").collect();
        assert_eq!(q, vec![("battery", "2"), ("fuse", "1")]);
    }
}
