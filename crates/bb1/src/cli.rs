//! The command line, as clap sees it.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(name = "bb1", version, about = "Order and follow BT Wholesale Broadband One", propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub target: Target,
    /// A TOML file with client_id, client_secret, cug_id, reseller_id, billing_account, env or base_url.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print JSON for scripts instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// Do not ask before ordering, cancelling or ceasing.
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Show tracing output (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

/// Where BT is.
#[derive(Args, Debug, Clone, Default)]
pub struct Target {
    /// BT's sandbox.
    #[arg(long, global = true, conflicts_with_all = ["production", "base_url"])]
    pub sandbox: bool,
    /// BT production.
    #[arg(long, global = true, conflicts_with = "base_url")]
    pub production: bool,
    /// Any other host, e.g. a simulator: http://127.0.0.1:8080
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a whole journey against the embedded simulator and a KSU listener; needs no credentials.
    Demo(DemoArgs),
    /// Search BT's address databases.
    Address {
        #[command(subcommand)]
        command: AddressCommand,
    },
    /// What can be ordered at a premises.
    Availability(PremisesArgs),
    /// The copper lines at a premises (working, stopped, spare pairs).
    LineCheck(PremisesArgs),
    /// Engineer appointments.
    Appointments {
        #[command(subcommand)]
        command: AppointmentCommand,
    },
    /// Place and follow orders.
    Order {
        #[command(subcommand)]
        command: OrderCommand,
    },
    /// Receive BT's order updates (KSUs).
    Ksu {
        #[command(subcommand)]
        command: KsuCommand,
    },
    /// Run the offline Hub simulator.
    Sim(SimArgs),
}

#[derive(Args, Debug, Clone)]
pub struct DemoArgs {
    /// Which journey to show.
    #[arg(long, value_enum, default_value_t = DemoJourney::Provide)]
    pub journey: DemoJourney,
    /// The simulator's seed.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoJourney {
    /// A new FTTP line with an engineer appointment.
    Provide,
    /// Provide, then upgrade the new service.
    Modify,
}

#[derive(Subcommand, Debug)]
pub enum AddressCommand {
    /// Find addresses by postcode (and number or building name), or by UPRN.
    Search(AddressArgs),
}

#[derive(Args, Debug, Clone)]
pub struct AddressArgs {
    #[arg(long)]
    pub postcode: Option<String>,
    /// House number.
    #[arg(long)]
    pub number: Option<String>,
    #[arg(long)]
    pub building: Option<String>,
    #[arg(long)]
    pub uprn: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct PremisesArgs {
    #[command(flatten)]
    pub address: AddressArgs,
    /// Accept Silver and Bronze Openreach keys (SOGEA/SOADSL); new FTTP needs Gold.
    #[arg(long)]
    pub copper: bool,
}

#[derive(Subcommand, Debug)]
pub enum AppointmentCommand {
    /// Free slots for an engineer visit at a premises.
    Search(SlotArgs),
    /// Reserve a slot (the first free one unless --start is given).
    Book(BookArgs),
}

#[derive(Args, Debug, Clone)]
pub struct SlotArgs {
    /// Openreach address key (A + 11 digits).
    #[arg(long)]
    pub key: String,
    /// Earliest day (YYYY-MM-DD); default tomorrow.
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
    /// BT's appointment access technology.
    #[arg(long, default_value = "FTTP")]
    pub technology: String,
}

#[derive(Args, Debug, Clone)]
pub struct BookArgs {
    #[command(flatten)]
    pub slot: SlotArgs,
    /// The slot start exactly as `appointments search` printed it.
    #[arg(long)]
    pub start: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum OrderCommand {
    /// Order a new service at a premises.
    Provide(ProvideArgs),
    /// Move a service to another offering.
    Modify(ModifyArgs),
    /// Change an open order (new appointment, contact or date).
    Amend(AmendArgs),
    /// Ask BT to cancel an open order.
    Cancel(CancelArgs),
    /// End a service.
    Cease(CeaseArgs),
    /// Where an order stands.
    Status(StatusArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ContactArgs {
    /// Site contact's full name, e.g. "Sam Jones".
    #[arg(long)]
    pub contact: String,
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub phone: String,
}

#[derive(Args, Debug, Clone)]
pub struct ProvideArgs {
    #[command(flatten)]
    pub address: AddressArgs,
    /// The offering name as `availability` printed it, e.g. "FTTP 500_75M".
    #[arg(long)]
    pub offer: String,
    /// Your order reference (unique per order).
    #[arg(long)]
    pub external_id: String,
    #[command(flatten)]
    pub contact: ContactArgs,
    /// Business or residential end user.
    #[arg(long)]
    pub business: bool,
    /// Contract length in months (default 12 for FTTP, 1 otherwise).
    #[arg(long)]
    pub term: Option<u32>,
    /// Earliest appointment day when an engineer is needed (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
}

#[derive(Args, Debug, Clone)]
pub struct ModifyArgs {
    #[arg(long)]
    pub service_id: String,
    #[command(flatten)]
    pub address: AddressArgs,
    #[arg(long)]
    pub offer: String,
    #[arg(long)]
    pub external_id: String,
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
}

#[derive(Args, Debug, Clone)]
pub struct AmendArgs {
    /// BT's order id (from the first KSU or `order status`).
    #[arg(long)]
    pub order_id: String,
    /// A new completion date (RFC 3339).
    #[arg(long)]
    pub date: Option<String>,
    /// A newly reserved appointment id, with its --start and --end.
    #[arg(long, requires_all = ["start", "end"])]
    pub appointment: Option<String>,
    #[arg(long)]
    pub start: Option<String>,
    #[arg(long)]
    pub end: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct CancelArgs {
    #[arg(long)]
    pub order_id: String,
    #[arg(long, default_value = "Customer request")]
    pub reason: String,
}

#[derive(Args, Debug, Clone)]
pub struct CeaseArgs {
    #[arg(long)]
    pub service_id: String,
    #[arg(long)]
    pub external_id: String,
    /// The cease date (RFC 3339).
    #[arg(long)]
    pub date: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct StatusArgs {
    #[arg(long, conflicts_with = "order_id", required_unless_present = "order_id")]
    pub external_id: Option<String>,
    #[arg(long)]
    pub order_id: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum KsuCommand {
    /// Serve the KSU endpoint and its token endpoint for BT.
    Listen(ListenArgs),
    /// An order's KSU timeline from the listener's database.
    Timeline(TimelineArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ListenArgs {
    #[arg(long, default_value = "127.0.0.1:8443")]
    pub bind: SocketAddr,
    #[arg(long, default_value = "ksu.sqlite")]
    pub db: PathBuf,
    /// The client id you registered with BT for your endpoint.
    #[arg(long, env = "BB1_KSU_CLIENT_ID")]
    pub client_id: String,
    /// Its secret (better passed as BB1_KSU_CLIENT_SECRET).
    #[arg(long, env = "BB1_KSU_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: String,
}

#[derive(Args, Debug, Clone)]
pub struct TimelineArgs {
    #[arg(long)]
    pub db: PathBuf,
    #[arg(long, conflicts_with = "external_id", required_unless_present = "external_id")]
    pub order_id: Option<String>,
    #[arg(long)]
    pub external_id: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct SimArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// real or fast
    #[arg(long, default_value = "fast")]
    pub clock: String,
    #[arg(long)]
    pub callback_url: Option<String>,
    #[arg(long)]
    pub callback_client_id: Option<String>,
    #[arg(long, env = "BB1_CALLBACK_CLIENT_SECRET", hide_env_values = true)]
    pub callback_client_secret: Option<String>,
}
