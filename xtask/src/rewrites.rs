//! Rewrites of the Rust progenitor generates, run after generation and before prettyplease.
//!
//! The spec passes (`passes/`) fix what progenitor cannot read; these fix what it emits that
//! costs every call CPU for nothing. Each rewrite is a small named function that returns how many
//! places it changed, so the pass log shows them beside the spec passes. Each keeps the request
//! on the wire exactly as it was.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprMethodCall, Lit, Local, Pat, Stmt, parse_quote};

use crate::passes::PassReport;

/// One named rewrite.
pub struct Rewrite {
    pub name: &'static str,
    pub run: fn(&mut syn::File) -> usize,
}

pub const REWRITES: &[Rewrite] = &[
    Rewrite { name: "drop-api-version-header", run: drop_api_version_header },
    Rewrite { name: "static-header-names", run: static_header_names },
    Rewrite { name: "lazy-header-map", run: lazy_header_map },
    Rewrite { name: "one-query-write", run: one_query_write },
    Rewrite { name: "response-headers-moved", run: response_headers_moved },
    Rewrite { name: "eager-request-build", run: eager_request_build },
];

/// Runs every rewrite in order.
pub fn rewrite(file: &mut syn::File) -> Vec<PassReport> {
    REWRITES.iter().map(|r| PassReport { name: r.name, changes: (r.run)(file) }).collect()
}

/// progenitor sends `api-version: <info.version>` on every request. BT defines no such header,
/// and bt-core used to strip it again before sending; not adding it saves both steps.
pub fn drop_api_version_header(file: &mut syn::File) -> usize {
    struct Dropper(usize);
    impl VisitMut for Dropper {
        fn visit_block_mut(&mut self, block: &mut Block) {
            let before = block.stmts.len();
            block.stmts.retain(|stmt| !adds_api_version_header(stmt));
            self.0 += before - block.stmts.len();
            visit_mut::visit_block_mut(self, block);
        }
    }
    let mut dropper = Dropper(0);
    dropper.visit_file_mut(file);
    dropper.0
}

fn adds_api_version_header(stmt: &Stmt) -> bool {
    let Stmt::Expr(Expr::MethodCall(call), Some(_)) = stmt else { return false };
    call.method == "append" && call.args.first().is_some_and(|name| name.to_token_stream().to_string().contains("\"api-version\""))
}

/// `header_map.append("APIGW-Tracking-Header", …)` parses and hashes the name from a string on
/// every call; a `HeaderName::from_static` of its lower-case form is a constant. Names that are
/// not valid header tokens are left alone (`from_static` would panic on them at run time).
pub fn static_header_names(file: &mut syn::File) -> usize {
    struct Namer(usize);
    impl VisitMut for Namer {
        fn visit_expr_method_call_mut(&mut self, call: &mut ExprMethodCall) {
            visit_mut::visit_expr_method_call_mut(self, call);
            if call.method != "append" || call.receiver.to_token_stream().to_string() != "header_map" {
                return;
            }
            let Some(Expr::Lit(lit)) = call.args.first() else { return };
            let Lit::Str(name) = &lit.lit else { return };
            let lower = name.value().to_ascii_lowercase();
            if lower.is_empty() || !lower.bytes().all(is_header_token_byte) {
                return;
            }
            call.args[0] = parse_quote!(::reqwest::header::HeaderName::from_static(#lower));
            self.0 += 1;
        }
    }
    let mut namer = Namer(0);
    namer.visit_file_mut(file);
    namer.0
}

/// progenitor sizes each call's header map for every header parameter the operation has, so
/// it allocates even when the call sets none of them (the usual case: they are optional). An
/// empty `HeaderMap::new()` allocates only when a header goes in.
pub fn lazy_header_map(file: &mut syn::File) -> usize {
    struct Lazy(usize);
    impl VisitMut for Lazy {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            visit_mut::visit_expr_call_mut(self, call);
            let path = call.func.to_token_stream().to_string().replace(' ', "");
            if path.ends_with("header::HeaderMap::with_capacity") {
                *call = parse_quote!(::reqwest::header::HeaderMap::new());
                self.0 += 1;
            }
        }
    }
    let mut lazy = Lazy(0);
    lazy.visit_file_mut(file);
    lazy.0
}

/// RFC 9110 `tchar`, lower case (what `HeaderName::from_static` accepts).
fn is_header_token_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// progenitor chains one `.query(&QueryParam::new(name, &value))` per query parameter onto the
/// request builder; each reopens the URL's query and moves the builder. This takes the chain off
/// `let mut request = ….build()?;` and writes every parameter in one pass right after, in the
/// same order and through the same serialiser (`bt_core::write_query`).
pub fn one_query_write(file: &mut syn::File) -> usize {
    struct Merger(usize);
    impl VisitMut for Merger {
        fn visit_block_mut(&mut self, block: &mut Block) {
            visit_mut::visit_block_mut(self, block);
            let mut stmts = Vec::with_capacity(block.stmts.len() + 1);
            for mut stmt in std::mem::take(&mut block.stmts) {
                let params = match &mut stmt {
                    Stmt::Local(local) if binds_request(local) => local.init.as_mut().map(|init| take_query_params(&mut init.expr)).unwrap_or_default(),
                    _ => Vec::new(),
                };
                stmts.push(stmt);
                if !params.is_empty() {
                    let pushes = params.iter().map(|(name, value)| quote! { query.push(#name, #value)?; });
                    stmts.push(parse_quote! {
                        ::bt_core::write_query(&mut request, |query| {
                            #(#pushes)*
                            Ok(())
                        })
                        .map_err(Error::InvalidRequest)?;
                    });
                    self.0 += 1;
                }
            }
            block.stmts = stmts;
        }
    }
    let mut merger = Merger(0);
    merger.visit_file_mut(file);
    merger.0
}

/// `ResponseValue::from_response(response)` copies the response's headers and then drops the
/// response; `bt_core::response_value` moves them instead.
pub fn response_headers_moved(file: &mut syn::File) -> usize {
    struct Mover(usize);
    impl VisitMut for Mover {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            visit_mut::visit_expr_call_mut(self, call);
            let path = call.func.to_token_stream().to_string().replace(' ', "");
            if path == "ResponseValue::from_response" && call.args.len() == 1 {
                call.func = parse_quote!(::bt_core::response_value);
                self.0 += 1;
            }
        }
    }
    let mut mover = Mover(0);
    mover.visit_file_mut(file);
    mover.0
}

/// A builder's `async fn send(self)` keeps the whole builder (one field per parameter) and its
/// unpacked values in the future it returns, and moves them around with it: 3 KiB for an
/// address search. This makes `send` build the request before it returns, so the future holds
/// only the finished request. The steps up to `let info = OperationInfo { .. }` run in a closure
/// (their `?`s return from it), and the future starts with that closure's result.
pub fn eager_request_build(file: &mut syn::File) -> usize {
    struct Eager(usize);
    impl VisitMut for Eager {
        fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
            visit_mut::visit_item_impl_mut(self, item);
            let Some(lifetime) = item.generics.lifetimes().next().map(|l| l.lifetime.clone()) else { return };
            for member in &mut item.items {
                if let syn::ImplItem::Fn(send) = member
                    && eager_send(send, &lifetime)
                {
                    self.0 += 1;
                }
            }
        }
    }
    let mut eager = Eager(0);
    eager.visit_file_mut(file);
    eager.0
}

fn eager_send(send: &mut syn::ImplItemFn, lifetime: &syn::Lifetime) -> bool {
    if send.sig.ident != "send" || send.sig.asyncness.is_none() {
        return false;
    }
    let syn::ReturnType::Type(_, output) = &send.sig.output else { return false };
    let Some(error) = result_error_type(output) else { return false };
    let Some(split) = send.block.stmts.iter().position(|stmt| stmt.to_token_stream().to_string().starts_with("let info = OperationInfo")) else { return false };
    let build = &send.block.stmts[..split];
    let call = &send.block.stmts[split..];
    let output = output.clone();
    send.sig.asyncness = None;
    send.sig.output = parse_quote!(-> impl ::std::future::Future<Output = #output> + #lifetime);
    send.block = parse_quote!({
        let built = (move || -> ::std::result::Result<(_, ::reqwest::Request), #error> {
            #(#build)*
            Ok((client, request))
        })();
        async move {
            let (client, mut request) = built?;
            #(#call)*
        }
    });
    true
}

/// `E` of a `Result<T, E>` type.
fn result_error_type(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last().filter(|s| s.ident == "Result")?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.iter().nth(1)? {
        syn::GenericArgument::Type(error) => Some(error.clone()),
        _ => None,
    }
}

fn binds_request(local: &Local) -> bool {
    matches!(&local.pat, Pat::Ident(p) if p.ident == "request")
}

/// Removes every `.query(&progenitor_client::QueryParam::new(name, value))` from the method chain
/// under `expr` (looking through a trailing `?`), returning `(name, value)` in chain order.
fn take_query_params(expr: &mut Expr) -> Vec<(TokenStream, TokenStream)> {
    let mut found = Vec::new();
    let mut target = expr;
    if let Expr::Try(tried) = target {
        target = &mut tried.expr;
    }
    strip(target, &mut found);
    found
}

fn strip(expr: &mut Expr, found: &mut Vec<(TokenStream, TokenStream)>) {
    let Expr::MethodCall(call) = expr else { return };
    strip(&mut call.receiver, found);
    if let Some(param) = query_param(call) {
        found.push(param);
        let receiver = std::mem::replace(&mut *call.receiver, Expr::Verbatim(TokenStream::new()));
        *expr = receiver;
    }
}

/// `(name, value)` when `call` is `.query(&progenitor_client::QueryParam::new(name, value))`.
fn query_param(call: &ExprMethodCall) -> Option<(TokenStream, TokenStream)> {
    if call.method != "query" || call.args.len() != 1 {
        return None;
    }
    let Some(Expr::Reference(reference)) = call.args.first() else { return None };
    let Expr::Call(new) = &*reference.expr else { return None };
    let path = new.func.to_token_stream().to_string().replace(' ', "");
    if !path.ends_with("QueryParam::new") || new.args.len() != 2 {
        return None;
    }
    Some((new.args[0].to_token_stream(), new.args[1].to_token_stream()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rewrite: fn(&mut syn::File) -> usize, before: syn::File) -> (usize, String) {
        let mut file = before;
        let changes = rewrite(&mut file);
        (changes, prettyplease::unparse(&file))
    }

    fn pretty(file: syn::File) -> String {
        prettyplease::unparse(&file)
    }

    #[test]
    fn api_version_header_is_no_longer_added() {
        let before: syn::File = parse_quote! {
            fn send() {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
                if let Some(value) = udid {
                    header_map.append("UDID", value.to_string().try_into()?);
                }
            }
        };
        let after: syn::File = parse_quote! {
            fn send() {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                if let Some(value) = udid {
                    header_map.append("UDID", value.to_string().try_into()?);
                }
            }
        };
        assert_eq!(run(drop_api_version_header, before), (1, pretty(after)));
    }

    #[test]
    fn literal_header_names_become_static_lower_case_names() {
        let before: syn::File = parse_quote! {
            fn send() {
                if let Some(value) = apigw_tracking_header {
                    header_map.append("APIGW-Tracking-Header", value.to_string().try_into()?);
                }
                header_map.append("not a token", value);
                other.append("Kept-As-Is", value);
            }
        };
        let after: syn::File = parse_quote! {
            fn send() {
                if let Some(value) = apigw_tracking_header {
                    header_map.append(::reqwest::header::HeaderName::from_static("apigw-tracking-header"), value.to_string().try_into()?);
                }
                header_map.append("not a token", value);
                other.append("Kept-As-Is", value);
            }
        };
        assert_eq!(run(static_header_names, before), (1, pretty(after)));
    }

    #[test]
    fn the_header_map_is_not_allocated_up_front() {
        let before: syn::File = parse_quote! {
            fn send() {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(4usize);
                let other = Vec::with_capacity(4usize);
            }
        };
        let after: syn::File = parse_quote! {
            fn send() {
                let mut header_map = ::reqwest::header::HeaderMap::new();
                let other = Vec::with_capacity(4usize);
            }
        };
        assert_eq!(run(lazy_header_map, before), (1, pretty(after)));
    }

    #[test]
    fn the_query_chain_becomes_one_write_in_the_same_order() {
        let before: syn::File = parse_quote! {
            async fn send() {
                #[allow(unused_mut)]
                let mut request = client
                    .client
                    .get(url)
                    .header(::reqwest::header::ACCEPT, ::reqwest::header::HeaderValue::from_static("application/json"))
                    .query(&progenitor_client::QueryParam::new("city", &city))
                    .query(&progenitor_client::QueryParam::new("postcode", &postcode))
                    .headers(header_map)
                    .build()?;
                client.pre(&mut request, &info).await?;
            }
        };
        let after: syn::File = parse_quote! {
            async fn send() {
                #[allow(unused_mut)]
                let mut request = client
                    .client
                    .get(url)
                    .header(::reqwest::header::ACCEPT, ::reqwest::header::HeaderValue::from_static("application/json"))
                    .headers(header_map)
                    .build()?;
                ::bt_core::write_query(&mut request, |query| {
                    query.push("city", &city)?;
                    query.push("postcode", &postcode)?;
                    Ok(())
                })
                .map_err(Error::InvalidRequest)?;
                client.pre(&mut request, &info).await?;
            }
        };
        assert_eq!(run(one_query_write, before), (1, pretty(after)));
    }

    #[test]
    fn a_request_without_query_parameters_is_untouched() {
        let before: syn::File = parse_quote! {
            async fn send() {
                let mut request = client.client.post(url).json(&body).headers(header_map).build()?;
                let other = thing.query(&progenitor_client::QueryParam::new("x", &x));
            }
        };
        let unchanged = pretty(before.clone());
        assert_eq!(run(one_query_write, before), (0, unchanged));
    }

    #[test]
    fn responses_are_read_without_copying_their_headers() {
        let before: syn::File = parse_quote! {
            async fn send() {
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    404u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                    101u16 => ResponseValue::upgrade(response).await,
                }
            }
        };
        let after: syn::File = parse_quote! {
            async fn send() {
                match response.status().as_u16() {
                    200u16 => ::bt_core::response_value(response).await,
                    404u16 => Err(Error::ErrorResponse(::bt_core::response_value(response).await?)),
                    101u16 => ResponseValue::upgrade(response).await,
                }
            }
        };
        assert_eq!(run(response_headers_moved, before), (2, pretty(after)));
    }

    #[test]
    fn send_builds_the_request_before_it_returns_a_future() {
        let before: syn::File = parse_quote! {
            impl<'a> GetThing<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<::bt_core::BtError>> {
                    let Self { client, id } = self;
                    let id = id.map_err(Error::InvalidRequest)?;
                    let url = format!("{}/thing/{}", client.baseurl, encode_path(&id.to_string()));
                    #[allow(unused_mut)]
                    let mut request = client.client.get(url).build()?;
                    let info = OperationInfo { operation_id: "get_thing" };
                    client.pre(&mut request, &info).await?;
                    let result = client.exec(request, &info).await;
                    result
                }
            }
        };
        let after: syn::File = parse_quote! {
            impl<'a> GetThing<'a> {
                pub fn send(self) -> impl ::std::future::Future<Output = Result<ResponseValue<types::Thing>, Error<::bt_core::BtError>>> + 'a {
                    let built = (move || -> ::std::result::Result<(_, ::reqwest::Request), Error<::bt_core::BtError>> {
                        let Self { client, id } = self;
                        let id = id.map_err(Error::InvalidRequest)?;
                        let url = format!("{}/thing/{}", client.baseurl, encode_path(&id.to_string()));
                        #[allow(unused_mut)]
                        let mut request = client.client.get(url).build()?;
                        Ok((client, request))
                    })();
                    async move {
                        let (client, mut request) = built?;
                        let info = OperationInfo { operation_id: "get_thing" };
                        client.pre(&mut request, &info).await?;
                        let result = client.exec(request, &info).await;
                        result
                    }
                }
            }
        };
        assert_eq!(run(eager_request_build, before), (1, pretty(after)));
    }

    #[test]
    fn rewrite_names_are_unique_and_distinct_from_the_spec_passes() {
        let mut names: Vec<&str> = REWRITES.iter().map(|r| r.name).chain(crate::passes::PASSES.iter().map(|p| p.name)).collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all);
    }
}
