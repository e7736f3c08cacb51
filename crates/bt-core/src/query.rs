//! Writes a request's whole query string in one pass.
//!
//! progenitor emits one `RequestBuilder::query` call per query parameter, and each call reopens
//! the URL's query (take the fragment, serialise, restore, check for emptiness) and moves the
//! builder. For an operation with sixteen optional parameters that was a measurable share of a
//! call's CPU. xtask's `one-query-write` rewrite replaces the chain with one [`write_query`]
//! call. Each value is still serialised by progenitor's `QueryParam` through `serde_urlencoded`,
//! exactly as `RequestBuilder::query` does, so the URL is byte for byte the same.

use serde::Serialize;

/// The query-string writer handed to [`write_query`]'s closure.
pub struct QueryWriter<'w, 'u> {
    pairs: &'w mut form_urlencoded::Serializer<'u, url::UrlQuery<'u>>,
}

impl QueryWriter<'_, '_> {
    /// Appends parameter `name` as progenitor would: nothing for `None`, `name=value` for a
    /// scalar, one pair per element for a list.
    pub fn push<T: Serialize>(&mut self, name: &str, value: &T) -> Result<(), String> {
        progenitor_client::QueryParam::new(name, value)
            .serialize(serde_urlencoded::Serializer::new(self.pairs))
            .map(drop)
            .map_err(|e| format!("query parameter `{name}` cannot be written: {e}"))
    }
}

/// Appends every pair `write` pushes to `request`'s URL, then drops an empty `?` as reqwest does.
pub fn write_query(request: &mut reqwest::Request, write: impl FnOnce(&mut QueryWriter<'_, '_>) -> Result<(), String>) -> Result<(), String> {
    let url = request.url_mut();
    {
        let mut pairs = url.query_pairs_mut();
        write(&mut QueryWriter { pairs: &mut pairs })?;
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    enum Source {
        #[serde(rename = "ROBT")]
        Robt,
    }

    fn request() -> reqwest::Request {
        let url = "http://127.0.0.1/geographicAddress".parse().expect("static url");
        reqwest::Request::new(reqwest::Method::GET, url)
    }

    /// The same parameters through reqwest's per-parameter `query` chain, as progenitor emits it.
    fn per_parameter(postcode: &Option<String>, fuzzy: &Option<bool>, source: &Option<Source>, ids: &Option<Vec<String>>, none: &Option<String>) -> String {
        let built = reqwest::Client::new()
            .get("http://127.0.0.1/geographicAddress")
            .query(&progenitor_client::QueryParam::new("addressSource", source))
            .query(&progenitor_client::QueryParam::new("id", ids))
            .query(&progenitor_client::QueryParam::new("isFuzzyMatch", fuzzy))
            .query(&progenitor_client::QueryParam::new("locality", none))
            .query(&progenitor_client::QueryParam::new("postcode", postcode))
            .build()
            .expect("request");
        built.url().to_string()
    }

    #[test]
    fn writes_the_same_url_as_one_query_call_per_parameter() {
        let postcode = Some("SW12 8NX".to_string());
        let fuzzy = Some(true);
        let source = Some(Source::Robt);
        let ids = Some(vec!["A1".to_string(), "B&2".to_string()]);
        let none: Option<String> = None;
        let mut r = request();
        write_query(&mut r, |q| {
            q.push("addressSource", &source)?;
            q.push("id", &ids)?;
            q.push("isFuzzyMatch", &fuzzy)?;
            q.push("locality", &none)?;
            q.push("postcode", &postcode)?;
            Ok(())
        })
        .expect("written");
        assert_eq!(r.url().as_str(), "http://127.0.0.1/geographicAddress?addressSource=ROBT&id=A1&id=B%262&isFuzzyMatch=true&postcode=SW12+8NX");
        assert_eq!(r.url().as_str(), per_parameter(&postcode, &fuzzy, &source, &ids, &none));
    }

    #[test]
    fn no_values_leave_no_question_mark() {
        let none: Option<String> = None;
        let mut r = request();
        write_query(&mut r, |q| q.push("postcode", &none)).expect("written");
        assert_eq!(r.url().as_str(), "http://127.0.0.1/geographicAddress");
        assert_eq!(r.url().as_str(), per_parameter(&None, &None, &None, &None, &None));
    }

    #[test]
    fn a_value_that_cannot_be_a_query_names_the_parameter() {
        let nested = Some(std::collections::BTreeMap::from([("a", vec![1])]));
        let mut r = request();
        let e = write_query(&mut r, |q| q.push("filter", &nested)).expect_err("not a query value");
        assert!(e.contains("`filter`"), "{e}");
    }
}
