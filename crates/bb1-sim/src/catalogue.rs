//! The simulator's Broadband One catalogue: access offerings (the names POQ returns, such as
//! `FTTP 160_30M`, and the E-codes orders need) and the associated child offerings.
//!
//! BT publishes only a few E-codes: `E0000160` is FTTP 160_30M; `E0000189`, `E0000432` and
//! `E0000525` appear as access codes in BT's FTTP, create-event and ADSL examples; `E0000154`,
//! `E0000703`, `E0000153`, `E0000028` are the care / IP / managed-install children. Every other
//! code here is the simulator's own choice, so a caller must map POQ names through this table
//! (`access_by_name`) rather than hard-code BT codes it has not confirmed.

/// Access technology of an offering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Technology {
    Fttp,
    Sogea,
    Soadsl,
}

impl Technology {
    /// The value BT uses in `AccessTechnology` / `ATT_RT_AccessTechnology`.
    pub fn as_str(self) -> &'static str {
        match self {
            Technology::Fttp => "FTTP",
            Technology::Sogea => "SOGEA",
            Technology::Soadsl => "SOADSL",
        }
    }
}

/// One access offering.
#[derive(Debug, PartialEq, Eq)]
pub struct Offering {
    /// Catalogue E-code used in orders, e.g. `E0000160`.
    pub code: &'static str,
    /// Name POQ returns as `productOffering.id`, e.g. `FTTP 160_30M`.
    pub name: &'static str,
    pub technology: Technology,
    /// Advertised download speed, Mbit/s, as BT renders it.
    pub download: &'static str,
    pub upload: &'static str,
    /// Minimum guaranteed speed, Mbit/s (`ATT_RT_ProductMinimumGuaranteedSpeed`).
    pub minimum_guaranteed: &'static str,
}

const fn offering(
    code: &'static str,
    name: &'static str,
    technology: Technology,
    download: &'static str,
    upload: &'static str,
    minimum_guaranteed: &'static str,
) -> Offering {
    Offering {
        code,
        name,
        technology,
        download,
        upload,
        minimum_guaranteed,
    }
}

/// Every access offering, fastest FTTP first (the order POQ lists them in).
pub static ACCESS_OFFERINGS: &[Offering] = &[
    offering(
        "E0000163",
        "FTTP 900_110M",
        Technology::Fttp,
        "900",
        "110",
        "720",
    ),
    offering(
        "E0000162",
        "FTTP 500_75M",
        Technology::Fttp,
        "500",
        "75",
        "400",
    ),
    offering(
        "E0000161",
        "FTTP 330_50M",
        Technology::Fttp,
        "330",
        "50",
        "270",
    ),
    offering(
        "E0000160",
        "FTTP 160_30M",
        Technology::Fttp,
        "160",
        "30",
        "130",
    ),
    offering(
        "E0000189",
        "FTTP 80_20M",
        Technology::Fttp,
        "80",
        "20",
        "70",
    ),
    offering(
        "E0000432",
        "SOGEA 80_20M",
        Technology::Sogea,
        "80",
        "20",
        "40",
    ),
    offering(
        "E0000431",
        "SOGEA 40_10M",
        Technology::Sogea,
        "40",
        "10",
        "15",
    ),
    offering(
        "E0000525",
        "SOADSL 24_1M",
        Technology::Soadsl,
        "24",
        "1",
        "19",
    ),
    offering(
        "E0000526",
        "SOADSL 0.5_0.5M",
        Technology::Soadsl,
        "0.5",
        "0.5",
        "0.4",
    ),
];

/// An associated (child) offering.
#[derive(Debug, PartialEq, Eq)]
pub struct ChildOffering {
    pub code: &'static str,
    pub name: &'static str,
    /// Managed install items get no asset (BT: of no interest to modify or cease).
    pub managed_install: bool,
}

pub static CHILD_OFFERINGS: &[ChildOffering] = &[
    ChildOffering {
        code: "E0000028",
        name: "Standard Care",
        managed_install: false,
    },
    ChildOffering {
        code: "E0000154",
        name: "Basic Care",
        managed_install: false,
    },
    ChildOffering {
        code: "E0000704",
        name: "Standard Care SLA",
        managed_install: false,
    },
    ChildOffering {
        code: "E0000703",
        name: "IP address",
        managed_install: false,
    },
    ChildOffering {
        code: "E0000153",
        name: "Managed Install",
        managed_install: true,
    },
];

pub fn access_by_code(code: &str) -> Option<&'static Offering> {
    ACCESS_OFFERINGS.iter().find(|o| o.code == code)
}

pub fn access_by_name(name: &str) -> Option<&'static Offering> {
    ACCESS_OFFERINGS.iter().find(|o| o.name == name)
}

pub fn child_by_code(code: &str) -> Option<&'static ChildOffering> {
    CHILD_OFFERINGS.iter().find(|o| o.code == code)
}

/// Offerings of one technology, in catalogue order.
pub fn of_technology(t: Technology) -> impl Iterator<Item = &'static Offering> {
    ACCESS_OFFERINGS.iter().filter(move |o| o.technology == t)
}
