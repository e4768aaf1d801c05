//! The synapse wire format of bittensor 10.5.0 (spec: `wire.md` §7): terminal info, headers,
//! the signed message, and the typed [`Synapse`] that handlers and callers see.
//!
//! A request is `POST /<SynapseName>`. Its JSON body is the synapse's full dump: the base fields
//! (`name`, `timeout`, `total_size`, `header_size`, `dendrite`, `axon`, `computed_body_hash`)
//! followed by the synapse's own fields, flattened at the top level. The same facts travel in
//! `bt_header_*` headers, and the axon trusts the headers (as bittensor does) for routing,
//! verification and blacklisting, and the body only for the synapse's own fields, whose integrity
//! it checks against the `computed_body_hash` header.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::pyrepr;

/// The version both sides advertise: bittensor's `version_as_int` for 10.5.0 (digits base 1000).
pub const PROTOCOL_VERSION: u64 = 10_005_000;
/// From this dendrite version on, a first nonce must also be fresh (bittensor's `V_7_2_0`).
pub const NONCE_FRESHNESS_VERSION: u64 = 7_002_000;
/// The slack a first nonce gets on top of the synapse timeout: 4 s (bittensor's `ALLOWED_DELTA`).
pub const ALLOWED_NONCE_DELTA_NS: u128 = 4_000_000_000;
/// bittensor's default query timeout, in seconds.
pub const DEFAULT_TIMEOUT_SECS: f64 = 12.0;

/// The base fields of every synapse dump; everything else in a body is the synapse's own.
pub const BASE_FIELDS: [&str; 7] = [
    "name",
    "timeout",
    "total_size",
    "header_size",
    "dendrite",
    "axon",
    "computed_body_hash",
];

/// One end of a call (bittensor's `TerminalInfo`): every field is optional on the wire.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TerminalInfo {
    /// HTTP-style status of the call at this end.
    pub status_code: Option<u16>,
    /// The text that goes with `status_code`.
    pub status_message: Option<String>,
    /// Seconds this end spent on the call.
    pub process_time: Option<f64>,
    /// The end's IP address.
    pub ip: Option<String>,
    /// The end's port.
    pub port: Option<u16>,
    /// The end's protocol version (`version_as_int`).
    pub version: Option<u64>,
    /// Nanoseconds since the epoch when the end signed: the replay-protection nonce.
    pub nonce: Option<u64>,
    /// The end's session uuid.
    pub uuid: Option<String>,
    /// The end's hotkey, ss58 (prefix 42).
    pub hotkey: Option<String>,
    /// `0x`-hex sr25519 signature of the end.
    pub signature: Option<String>,
}

impl TerminalInfo {
    /// `(field, text)` for every set field, as bittensor renders them in headers (`str(v)`).
    pub fn header_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut push = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                out.push((k, v));
            }
        };
        push("status_code", self.status_code.map(|v| v.to_string()));
        push("status_message", self.status_message.clone());
        push("process_time", self.process_time.map(pyrepr::py_float_repr));
        push("ip", self.ip.clone());
        push("port", self.port.map(|v| v.to_string()));
        push("version", self.version.map(|v| v.to_string()));
        push("nonce", self.nonce.map(|v| v.to_string()));
        push("uuid", self.uuid.clone());
        push("hotkey", self.hotkey.clone());
        push("signature", self.signature.clone());
        out
    }

    /// Rebuilds the info from `bt_header_<prefix>_<field>` headers. Numbers that do not parse are
    /// an error naming the header (the axon answers 400, as bittensor's parsing error).
    pub fn from_headers(prefix: &str, headers: &BTreeMap<String, String>) -> Result<Self, String> {
        let get = |f: &str| headers.get(&format!("bt_header_{prefix}_{f}")).cloned();
        fn num<N: std::str::FromStr>(name: &str, v: Option<String>) -> Result<Option<N>, String> {
            match v {
                None => Ok(None),
                // Python renders ints as ints, but a float-looking number is its own error.
                Some(s) => s
                    .trim()
                    .parse::<N>()
                    .map(Some)
                    .map_err(|_| format!("header {name} is {s:?}, not a number")),
            }
        }
        Ok(TerminalInfo {
            status_code: num("status_code", get("status_code"))?,
            status_message: get("status_message"),
            process_time: num("process_time", get("process_time"))?,
            ip: get("ip"),
            port: num("port", get("port"))?,
            version: num("version", get("version"))?,
            nonce: num("nonce", get("nonce"))?,
            uuid: get("uuid"),
            hotkey: get("hotkey"),
            signature: get("signature"),
        })
    }

    /// Overlays the set fields of `other` on this one (bittensor's header merge on responses).
    pub fn merge_from(&mut self, other: &TerminalInfo) {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f.clone(); } )* };
        }
        take!(
            status_code,
            status_message,
            process_time,
            ip,
            port,
            version,
            nonce,
            uuid,
            hotkey,
            signature
        );
    }
}

/// What the protocol must know about a synapse type, apart from its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynapseSpec {
    /// The class name: the URL path and the `name` header.
    pub name: String,
    /// bittensor's `required_hash_fields`, in order: the fields the body hash covers.
    pub required_hash_fields: Vec<String>,
    /// Fields without a default in the Python class: bittensor's axon rebuilds the synapse from
    /// the headers first and needs a `bt_header_input_obj_<field>` placeholder for each of them.
    pub required_fields: Vec<String>,
}

impl SynapseSpec {
    /// A spec with no hashed and no required fields.
    pub fn named(name: impl Into<String>) -> Self {
        SynapseSpec {
            name: name.into(),
            required_hash_fields: Vec::new(),
            required_fields: Vec::new(),
        }
    }
}

/// A typed synapse body: the synapse's own fields, serialized flat beside the base fields.
///
/// The Python class `class Predict(bt.Synapse): features: list[float]; prediction: Optional[int]
/// = None; required_hash_fields = ("features",)` is, on this side:
///
/// ```
/// use cortex_axon::SynapseBody;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Clone, Default)]
/// struct Predict {
///     features: Vec<f64>,
///     prediction: Option<u32>,
/// }
/// impl SynapseBody for Predict {
///     const NAME: &'static str = "Predict";
///     const REQUIRED_HASH_FIELDS: &'static [&'static str] = &["features"];
///     const REQUIRED_FIELDS: &'static [&'static str] = &["features"];
/// }
/// assert_eq!(Predict::spec().required_hash_fields, vec!["features".to_string()]);
/// ```
pub trait SynapseBody: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The class name.
    const NAME: &'static str;
    /// The hashed fields (bittensor's `required_hash_fields`).
    const REQUIRED_HASH_FIELDS: &'static [&'static str] = &[];
    /// The fields the Python class declares without a default.
    const REQUIRED_FIELDS: &'static [&'static str] = &[];

    /// The spec of this type.
    fn spec() -> SynapseSpec {
        SynapseSpec {
            name: Self::NAME.to_string(),
            required_hash_fields: Self::REQUIRED_HASH_FIELDS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            required_fields: Self::REQUIRED_FIELDS
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

/// bittensor's bare `Synapse` (no fields of its own), which bittensor's axon serves as a ping.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ping {}

impl SynapseBody for Ping {
    const NAME: &'static str = "Synapse";
}

/// A synapse as handlers receive it and callers get it back: base fields plus the typed body.
#[derive(Debug, Clone, PartialEq)]
pub struct Synapse<T> {
    /// The synapse name.
    pub name: String,
    /// The query timeout in seconds, as the dendrite set it.
    pub timeout: f64,
    /// The dendrite end.
    pub dendrite: TerminalInfo,
    /// The axon end.
    pub axon: TerminalInfo,
    /// The synapse's own fields.
    pub body: T,
}

impl<T> Synapse<T> {
    /// The dendrite saw status 200.
    pub fn is_success(&self) -> bool {
        self.dendrite.status_code == Some(200)
    }
    /// The call timed out (408).
    pub fn is_timeout(&self) -> bool {
        self.dendrite.status_code == Some(408)
    }
    /// The axon blacklisted the caller (403).
    pub fn is_blacklist(&self) -> bool {
        self.dendrite.status_code == Some(403)
    }
    /// The axon could not verify the caller (401).
    pub fn failed_verification(&self) -> bool {
        self.dendrite.status_code == Some(401)
    }
    /// The dendrite-side status code (0 when unset).
    pub fn status_code(&self) -> u16 {
        self.dendrite.status_code.unwrap_or(0)
    }
}

/// The full JSON dump of a synapse (bittensor's `model_dump()`): base fields, then `fields`.
/// `computed_body_hash` stays empty, as in bittensor, where it is frozen at its default.
pub fn dump(
    name: &str,
    timeout: f64,
    dendrite: &TerminalInfo,
    axon: &TerminalInfo,
    fields: &Map<String, Value>,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), Value::String(name.into()));
    m.insert("timeout".into(), float_value(timeout));
    m.insert("total_size".into(), Value::from(0u64));
    m.insert("header_size".into(), Value::from(0u64));
    m.insert(
        "dendrite".into(),
        serde_json::to_value(dendrite).unwrap_or(Value::Null),
    );
    m.insert(
        "axon".into(),
        serde_json::to_value(axon).unwrap_or(Value::Null),
    );
    m.insert("computed_body_hash".into(), Value::String(String::new()));
    for (k, v) in fields {
        if !BASE_FIELDS.contains(&k.as_str()) {
            m.insert(k.clone(), v.clone());
        }
    }
    m
}

fn float_value(f: f64) -> Value {
    serde_json::Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// The synapse's own fields of a body, without the base fields.
pub fn own_fields(mut body: Map<String, Value>) -> Map<String, Value> {
    for f in BASE_FIELDS {
        body.remove(f);
    }
    body
}

/// Serializes a typed body into its fields; a body that is not a JSON object is an error.
pub fn to_fields<T: Serialize>(body: &T) -> Result<Map<String, Value>, String> {
    match serde_json::to_value(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(format!(
            "a synapse body must serialize to a JSON object, not {other}"
        )),
        Err(e) => Err(format!("the synapse body does not serialize: {e}")),
    }
}

/// The headers of a synapse (bittensor's `Synapse.to_headers()`), in wire order.
pub fn headers(
    spec: &SynapseSpec,
    timeout: f64,
    dendrite: &TerminalInfo,
    axon: &TerminalInfo,
    fields: &Map<String, Value>,
    body_hash: &str,
    total_size: usize,
) -> Vec<(String, String)> {
    let mut out = vec![
        ("name".to_string(), spec.name.clone()),
        ("timeout".to_string(), pyrepr::py_float_repr(timeout)),
    ];
    for (k, v) in axon.header_pairs() {
        out.push((format!("bt_header_axon_{k}"), v));
    }
    for (k, v) in dendrite.header_pairs() {
        out.push((format!("bt_header_dendrite_{k}"), v));
    }
    // A placeholder of the right JSON type for each required field: bittensor's axon builds the
    // synapse from the headers before it reads the body, and pydantic refuses missing fields.
    for field in &spec.required_fields {
        let Some(value) = fields.get(field) else {
            continue;
        };
        let empty = match value {
            Value::Null => continue,
            Value::Bool(_) => "false",
            Value::Number(n) if n.is_f64() => "0.0",
            Value::Number(_) => "0",
            Value::String(_) => "\"\"",
            Value::Array(_) => "[]",
            Value::Object(_) => "{}",
        };
        let encoded = base64::engine::general_purpose::STANDARD.encode(empty);
        out.push((format!("bt_header_input_obj_{field}"), encoded));
    }
    let header_size: usize = out.iter().map(|(k, v)| k.len() + v.len()).sum();
    out.push(("header_size".to_string(), header_size.to_string()));
    out.push(("total_size".to_string(), total_size.to_string()));
    out.push(("computed_body_hash".to_string(), body_hash.to_string()));
    out
}

/// The message a dendrite signs: `nonce.dendrite_hotkey.axon_hotkey.uuid.body_hash`.
pub fn dendrite_message(
    nonce: u64,
    dendrite_hotkey: &str,
    axon_hotkey: &str,
    uuid: &str,
    body_hash: &str,
) -> String {
    format!("{nonce}.{dendrite_hotkey}.{axon_hotkey}.{uuid}.{body_hash}")
}

/// The message an axon signs into `axon.signature`: `nonce.dendrite_hotkey.axon_hotkey.uuid`.
pub fn axon_message(nonce: u64, dendrite_hotkey: &str, axon_hotkey: &str, uuid: &str) -> String {
    format!("{nonce}.{dendrite_hotkey}.{axon_hotkey}.{uuid}")
}

/// Nanoseconds since the Unix epoch (bittensor's `time.time_ns()`), saturating.
pub fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// A random (version 4) uuid string; bittensor uses uuid1, but any unique text serves as the
/// session key of the replay protection.
pub fn new_uuid() -> String {
    use rand_core::RngCore as _;
    let mut b = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// `0x`-hex of a signature, as bittensor sends it.
pub fn signature_hex(sig: &[u8; 64]) -> String {
    format!("0x{}", hex::encode(sig))
}

/// Parses a `0x`-hex (or bare hex) 64-byte signature.
pub fn parse_signature(text: &str) -> Option<[u8; 64]> {
    let raw = text.strip_prefix("0x").unwrap_or(text);
    let bytes = hex::decode(raw).ok()?;
    <[u8; 64]>::try_from(bytes.as_slice()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_info_round_trips_through_headers() {
        let info = TerminalInfo {
            status_code: Some(200),
            process_time: Some(0.25),
            nonce: Some(17),
            hotkey: Some("5Grw".into()),
            ..Default::default()
        };
        let map: BTreeMap<String, String> = info
            .header_pairs()
            .into_iter()
            .map(|(k, v)| (format!("bt_header_axon_{k}"), v))
            .collect();
        assert_eq!(TerminalInfo::from_headers("axon", &map), Ok(info));
        let mut bad = map.clone();
        bad.insert("bt_header_axon_nonce".into(), "x".into());
        assert!(TerminalInfo::from_headers("axon", &bad).is_err());
    }

    #[test]
    fn input_obj_headers_are_typed_placeholders() {
        let spec = SynapseSpec {
            name: "P".into(),
            required_hash_fields: vec![],
            required_fields: vec!["text".into(), "xs".into()],
        };
        let mut fields = Map::new();
        fields.insert("text".into(), Value::from("hi"));
        fields.insert("xs".into(), Value::from(vec![1.5]));
        let h = headers(
            &spec,
            12.0,
            &TerminalInfo::default(),
            &TerminalInfo::default(),
            &fields,
            "h",
            0,
        );
        assert!(h.contains(&("timeout".into(), "12.0".into())));
        assert!(h.contains(&("bt_header_input_obj_text".into(), "IiI=".into())));
        assert!(h.contains(&("bt_header_input_obj_xs".into(), "W10=".into())));
    }

    #[test]
    fn uuid_has_the_canonical_shape() {
        let u = new_uuid();
        assert_eq!(u.len(), 36);
        assert_ne!(u, new_uuid());
    }
}
