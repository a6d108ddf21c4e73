//! The audit trail's records and their hash chain.
//!
//! Each record stores the hash of the record before it and its own hash over its fields and
//! that previous hash. Editing a record changes its hash; deleting or reordering records
//! breaks the link from the next record. [`verify_chain`] finds the first record where
//! either happens.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Hash that the first record of a trail links to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Whether the audited attempt succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Denied,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Denied => "denied",
            Self::Failure => "failure",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "success" => Some(Self::Success),
            "denied" => Some(Self::Denied),
            "failure" => Some(Self::Failure),
            _ => None,
        }
    }
}

/// What happened, by whom, to what, before it is appended to the trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// UTC epoch milliseconds.
    pub at: i64,
    /// `user:<id>`, `key:<id>`, `anonymous` or `system`.
    pub actor: String,
    /// Display name of the actor (login name or key name).
    pub actor_name: String,
    pub role: Option<String>,
    /// Scope of the grant the actor acted under (`agency:so-nnmt`, `unit:22918`).
    pub scope: Option<String>,
    /// Dotted action name, such as `series.define` or `auth.login`.
    pub action: String,
    /// The object acted on, such as `series:pt.pm25`.
    pub object: Option<String>,
    pub outcome: Outcome,
    /// Client address.
    pub address: Option<String>,
    /// Further facts as a JSON object (counts, purpose of an export). Never secrets.
    pub detail: serde_json::Value,
}

/// A record of the trail: an event with its place in the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: i64,
    #[serde(flatten)]
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// Computes the hash of `event` at position `seq` after `prev_hash`.
pub fn chain_hash(seq: i64, event: &AuditEvent, prev_hash: &str) -> String {
    let mut hasher = Sha256::new();
    let fields: [&str; 3] = [prev_hash, &seq.to_string(), &event.at.to_string()];
    for field in fields {
        hash_field(&mut hasher, field);
    }
    for field in [&event.actor, &event.actor_name, &event.action] {
        hash_field(&mut hasher, field);
    }
    for field in [&event.role, &event.scope, &event.object, &event.address] {
        hash_field(&mut hasher, field.as_deref().unwrap_or("\u{0}"));
    }
    hash_field(&mut hasher, event.outcome.as_str());
    hash_field(&mut hasher, &event.detail.to_string());
    hex::encode(hasher.finalize())
}

/// Length-prefixes each field so that no two different records hash the same input.
fn hash_field(hasher: &mut Sha256, field: &str) {
    hasher.update((field.len() as u64).to_le_bytes());
    hasher.update(field.as_bytes());
}

/// Where and how a trail is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("record {seq}: its hash does not match its content (the record was edited)")]
    Edited { seq: i64 },
    #[error("record {seq}: it does not link to the record before it (a record was deleted, inserted or reordered)")]
    Unlinked { seq: i64 },
    #[error("record {seq}: sequence number follows {previous} (a record was deleted or reordered)")]
    Gap { seq: i64, previous: i64 },
}

impl ChainBreak {
    pub fn seq(&self) -> i64 {
        match self {
            Self::Edited { seq } | Self::Unlinked { seq } | Self::Gap { seq, .. } => *seq,
        }
    }
}

/// Checks records in sequence order, starting after `anchor` (the `(seq, hash)` of the last
/// archived record, or `(0, GENESIS_HASH)`). Returns the number of records checked.
pub fn verify_chain<'a>(
    records: impl IntoIterator<Item = &'a AuditRecord>,
    anchor: (i64, &str),
) -> Result<u64, ChainBreak> {
    let (mut previous_seq, anchor_hash) = anchor;
    let mut previous_hash = anchor_hash.to_owned();
    let mut checked = 0;
    for record in records {
        if record.seq != previous_seq + 1 {
            return Err(ChainBreak::Gap {
                seq: record.seq,
                previous: previous_seq,
            });
        }
        if record.prev_hash != previous_hash {
            return Err(ChainBreak::Unlinked { seq: record.seq });
        }
        if chain_hash(record.seq, &record.event, &record.prev_hash) != record.hash {
            return Err(ChainBreak::Edited { seq: record.seq });
        }
        previous_seq = record.seq;
        previous_hash.clone_from(&record.hash);
        checked += 1;
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: &str) -> AuditEvent {
        AuditEvent {
            at: 1,
            actor: "user:1".into(),
            actor_name: "an".into(),
            role: Some("admin".into()),
            scope: None,
            action: action.into(),
            object: Some("series:a".into()),
            outcome: Outcome::Success,
            address: Some("127.0.0.1".into()),
            detail: serde_json::json!({"rows": 3}),
        }
    }

    fn chain(actions: &[&str]) -> Vec<AuditRecord> {
        let mut previous = GENESIS_HASH.to_owned();
        actions
            .iter()
            .enumerate()
            .map(|(index, action)| {
                let seq = index as i64 + 1;
                let event = event(action);
                let hash = chain_hash(seq, &event, &previous);
                let record = AuditRecord {
                    seq,
                    event,
                    prev_hash: previous.clone(),
                    hash: hash.clone(),
                };
                previous = hash;
                record
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        let records = chain(&["a", "b", "c"]);
        assert_eq!(verify_chain(&records, (0, GENESIS_HASH)), Ok(3));
    }

    #[test]
    fn edited_record_is_named() {
        let mut records = chain(&["a", "b", "c"]);
        records[1].event.outcome = Outcome::Denied;
        assert_eq!(
            verify_chain(&records, (0, GENESIS_HASH)),
            Err(ChainBreak::Edited { seq: 2 })
        );
    }

    #[test]
    fn deleted_record_is_found() {
        let mut records = chain(&["a", "b", "c"]);
        records.remove(1);
        assert_eq!(
            verify_chain(&records, (0, GENESIS_HASH)),
            Err(ChainBreak::Gap { seq: 3, previous: 1 })
        );
    }

    #[test]
    fn reordered_records_are_found() {
        let mut records = chain(&["a", "b", "c"]);
        records.swap(1, 2);
        records[1].seq = 2;
        records[2].seq = 3;
        assert_eq!(
            verify_chain(&records, (0, GENESIS_HASH)),
            Err(ChainBreak::Unlinked { seq: 2 })
        );
    }
}
