//! The state the handlers share: the immutable world, the clock, credentials, what was created
//! at run time and the KSU queue.

use std::sync::{Arc, Mutex, RwLock};

use tokio::sync::Notify;

use crate::address::AddressBook;
use crate::appointment::AppointmentBook;
use crate::auth::AuthStore;
use crate::clock::{SimClock, lock};
use crate::faults::FaultState;
use crate::inventory::Inventory;
use crate::ksu::KsuQueue;
use crate::orders::OrderBook;
use crate::rng::SimRng;
use crate::world::World;

/// Orders, the services they made and the appointments they use: one lock, because an order
/// check reads all three and a completion writes two.
pub(crate) struct Ledger {
    pub orders: OrderBook,
    pub inventory: Inventory,
    pub appointments: AppointmentBook,
    next_order: u64,
    next_internal: u64,
    next_cancel: u64,
}

impl Ledger {
    pub(crate) fn new(seed: u64) -> Self {
        let mut r = SimRng::stream(seed, "counters");
        Self {
            orders: OrderBook::default(),
            inventory: Inventory::default(),
            appointments: AppointmentBook::default(),
            next_order: 100_000 + r.below(800_000),
            next_internal: 1_400_000 + r.below(100_000) * 10,
            next_cancel: 100 + r.below(900),
        }
    }

    /// BT's order ids are 8 digits (`00125420`).
    pub(crate) fn next_order_id(&mut self) -> String {
        self.next_order += 1;
        format!("{:08}", self.next_order)
    }

    /// BT's item ids are 10 digits (`0001481701`).
    pub(crate) fn next_internal_id(&mut self) -> String {
        self.next_internal += 1;
        format!("{:010}", self.next_internal)
    }

    pub(crate) fn next_cancel_number(&mut self) -> u64 {
        self.next_cancel += 1;
        self.next_cancel
    }

    /// A fresh `BBONE` + 8 digits.
    pub(crate) fn new_service_id(&self, st: &AppState) -> String {
        let mut ids = lock(&st.ids);
        loop {
            let id = format!("BBONE{}", ids.digits(8));
            if !self
                .orders
                .orders
                .iter()
                .any(|o| o.service_id.as_deref() == Some(id.as_str()))
            {
                return id;
            }
        }
    }
}

pub(crate) struct AppState {
    pub world: Arc<World>,
    pub clock: SimClock,
    pub auth: AuthStore,
    pub addresses: RwLock<AddressBook>,
    pub ledger: Mutex<Ledger>,
    /// Ids handed out at run time (orders, events, appointments, keys).
    pub ids: Mutex<SimRng>,
    pub faults: FaultState,
    pub ksu: KsuQueue,
    /// `http://127.0.0.1:PORT`, for `href`s.
    pub base_url: String,
    /// Wakes the order driver when a new stage may be due sooner.
    pub wake: Notify,
}
