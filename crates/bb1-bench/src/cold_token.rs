//! Benchmark 2, 1,000 concurrent calls on a new client: how many token requests reach the token endpoint.

use std::sync::atomic::Ordering;

use broadband_one::Hub;

use crate::report::Figure;
use crate::{config_for, server};

pub fn run() -> Vec<Figure> {
    let server = server::start();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let hub = Hub::new(config_for(&server.base)).expect("hub");
        let calls: Vec<_> = (0..1000)
            .map(|_| {
                let hub = hub.clone();
                tokio::spawn(async move { hub.service("BBONE90099580").await })
            })
            .collect();
        for call in calls {
            // The inventory answer is empty, so each call reports "no active parent asset"; only
            // the token matters here.
            let _ = call.await;
        }
    });
    let n = server.token_requests.load(Ordering::SeqCst);
    vec![Figure::count("cold token", "token requests for 1,000 concurrent calls on a new client".into(), n as f64, "exactly 1", n == 1)]
}
