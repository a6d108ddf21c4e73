//! Query vocabulary for observations: bucket steps and aggregates.

use serde::{Deserialize, Serialize};

/// Width of the buckets a series is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    Raw,
    Hour,
    Day,
    Month,
}

impl Step {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "raw" => Some(Self::Raw),
            "hour" => Some(Self::Hour),
            "day" => Some(Self::Day),
            "month" => Some(Self::Month),
            _ => None,
        }
    }
}

/// Aggregate applied to the values of one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregate {
    Avg,
    Min,
    Max,
    Sum,
    Count,
    Last,
}

impl Aggregate {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "avg" => Some(Self::Avg),
            "min" => Some(Self::Min),
            "max" => Some(Self::Max),
            "sum" => Some(Self::Sum),
            "count" => Some(Self::Count),
            "last" => Some(Self::Last),
            _ => None,
        }
    }
}
