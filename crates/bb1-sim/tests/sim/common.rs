//! Helpers: start a simulator, get a token, call it with plain HTTP and inspect BT error bodies.

use bb1_sim::{Clock, Premises, Simulator};
use reqwest::Method;
use serde_json::{Value, json};

pub const PRODUCT_FAMILY: (&str, &str) = ("productFamily", "BB1hub");

/// A stepped simulator whose tokens outlive the days the tests advance through.
pub async fn stepped(seed: u64) -> Simulator {
    Simulator::builder()
        .seed(seed)
        .clock(Clock::Stepped)
        .token_ttl_secs(10 * 365 * 86_400)
        .start()
        .await
        .expect("simulator starts")
}

pub async fn token(sim: &Simulator) -> String {
    let r = reqwest::Client::new()
        .post(format!("{}/oauth/accesstoken", sim.base_url()))
        .basic_auth(sim.client_id(), Some(sim.client_secret()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .expect("token request");
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("token json");
    v["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    /// BT's error code.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    #[track_caller]
    pub fn expect(&self, status: u16, code: &str) -> &Self {
        assert_eq!((self.status, self.code()), (status, code), "{}", self.text);
        self
    }
}

pub struct Http {
    pub base: String,
    pub token: String,
    client: reqwest::Client,
}

impl Http {
    pub async fn new(sim: &Simulator) -> Http {
        Http {
            base: sim.base_url().to_string(),
            token: token(sim).await,
            client: reqwest::Client::new(),
        }
    }

    pub fn with_token(base: &str, token: &str) -> Http {
        Http {
            base: base.to_string(),
            token: token.to_string(),
            client: reqwest::Client::new(),
        }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut r = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        if let Some(b) = body {
            r = r.json(b);
        }
        let r = r.send().await.expect("request sent");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(Method::GET, path, None, &[PRODUCT_FAMILY]).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.send(Method::POST, path, Some(body), &[PRODUCT_FAMILY])
            .await
    }
}

pub const ADDRESS: &str = "/common/geographicAddressManagement/v1/geographicAddress";
pub const POQ: &str = "/hubco/tmf/productOfferingQualification/v4/productOfferingQualification";
pub const LINE: &str = "/common/v1/line-availability/line";
pub const SEARCH_SLOTS: &str = "/common/appointmentManagement/v4/searchTimeSlot";
pub const RESERVE: &str = "/common/appointmentManagement/v4/appointment";
pub const ORDER: &str = "/hubco/tmf/productOrderingManagement/v4/productOrder";
pub const CANCEL: &str = "/hubco/tmf/productOrderingManagement/v4/cancelProductOrder";
pub const INVENTORY: &str = "/hubco/tmf/productInventory/v4/product";

pub fn poq_address(key: &str, district: &str) -> Value {
    json!({
        "@type": "btProductOfferingQualification",
        "instantSyncQualification": true,
        "provideAlternative": true,
        "provideOnlyAvailable": true,
        "provideUnavailabilityReason": false,
        "productOfferingQualificationItem": [{
            "id": "74", "action": "add", "@type": "btProductOfferingQualificationItem",
            "product": {
                "@type": "Product",
                "productOffering": {"id": "BroadbandOne", "@referredType": "btProductOfferingFamily"},
                "place": [{"id": key, "districtId": district, "role": "install address", "@referredType": "btNADLocationReference"}]
            }
        }],
        "relatedParty": [{"id": "CUG5023769999", "role": "BtCug", "@type": "BTRelatedParty", "@referredType": "Customer"}]
    })
}

pub fn slot_entity(place: Option<&str>, chars: &[(&str, &str)]) -> Value {
    let mut product = json!({
        "productSpecification": {"id": "BB1"},
        "characteristic": chars.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>(),
    });
    if let Some(p) = place {
        product["place"] =
            json!([{"id": p, "role": "InstallationAddress", "@referredType": "OpenreachAddress"}]);
    }
    json!({
        "id": "1", "role": "OrderInformation", "appointmentType": "Standard", "siteVisitReason": "Standard",
        "@type": "BTProductAppointmentSpecification", "@referredType": "BTProductAppointmentSpecification",
        "@baseType": "RelatedEntity", "product": product
    })
}

pub fn slot_search(entity: Value, start: &str) -> Value {
    json!({"relatedEntity": [entity], "requestedTimeSlot": [{"validFor": {"startDateTime": start}}]})
}

/// Searches slots for an FTTP install at `key` and reserves the first one; returns its id.
pub async fn reserve_first_slot(http: &Http, key: &str) -> String {
    let entity = slot_entity(Some(key), &[("AccessTechnology", "FTTP")]);
    let slots = http
        .post(
            SEARCH_SLOTS,
            &slot_search(entity.clone(), "2026-06-01T09:00:00+01:00"),
        )
        .await;
    assert_eq!(slots.status, 201, "{}", slots.text);
    let first = slots.body["availableTimeSlot"][0]["validFor"].clone();
    let r = http
        .post(
            RESERVE,
            &json!({"relatedEntity": [entity], "validFor": first}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().expect("appointment id").to_string()
}

/// A provide order for `p` with the given access E-code; managed install when `appointment`.
pub fn provide(external_id: &str, p: &Premises, access: &str, appointment: Option<&str>) -> Value {
    let mut children = vec![
        json!({"id": "100.1", "action": "add", "@type": "BTProductOrderItem",
               "product": {"@type": "BTProductRefOrValue", "productOffering": {"id": "E0000028"}}}),
        json!({"id": "100.2", "action": "add", "@type": "BTProductOrderItem",
               "product": {"@type": "BTProductRefOrValue", "productOffering": {"id": "E0000703"}}}),
    ];
    let mut item = json!({
        "id": "100", "action": "add", "@type": "BTProductOrderItem",
        "product": {
            "@type": "BTProductRefOrValue",
            "productOffering": {"id": access},
            "place": [
                {"id": p.robt_key().unwrap_or("R00000000000"), "role": "SiteAddress", "@type": "btRelatedPlaceRefOrValue"},
                {"id": p.openreach_key().expect("openreach key"), "role": "OpenreachAddress",
                 "address": {"districtCode": p.district_code().expect("district")}, "@type": "btRelatedPlaceRefOrValue"}
            ],
            "productCharacteristic": [
                {"name": "ATT_RT_InstallType", "value": if appointment.is_some() { "M" } else { "S" }},
                {"name": "ATT_RT_AccessTechnology", "value": "FTTP"},
                {"name": "ATT_RT_EndUserType", "value": "Residential"},
                {"name": "ATT_RT_ResellerID", "value": "ZYX"}
            ],
            "relatedParty": [{"id": "-1", "role": "PrimarySiteContact", "givenName": "Sam", "familyName": "Jones",
                              "@type": "BTRelatedParty", "@referredType": "Individual"}]
        },
        "billingAccount": {"id": "0455123456"}
    });
    if let Some(a) = appointment {
        item["appointment"] = json!({"id": a, "@type": "AppointmentRef"});
        children.push(json!({"id": "100.3", "action": "add", "@type": "BTProductOrderItem",
                             "product": {"@type": "BTProductRefOrValue", "productOffering": {"id": "E0000153"}}}));
    }
    item["productOrderItem"] = Value::Array(children);
    json!({
        "@type": "BTProductOrder",
        "externalId": external_id,
        "requestedCompletionDate": "2026-06-15T08:00:00Z",
        "relatedParty": [{"id": "CUG5009999999", "role": "BtCug", "@type": "BTRelatedParty", "@referredType": "Customer"}],
        "productOrderItem": [item]
    })
}

/// The single order with `external_id`, via `GET productOrder?externalId=`.
pub async fn order_by_external(http: &Http, external_id: &str) -> Value {
    let r = http.get(&format!("{ORDER}?externalId={external_id}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let list = r.body.as_array().expect("array");
    assert_eq!(list.len(), 1, "{}", r.text);
    list[0].clone()
}
