//! Templates for series keys and names: literal text with placeholders filled from the
//! message. `{topic}` is the whole MQTT topic, `{topic.N}` its level N counted from 0, and
//! `{/a/b}` the value at a JSON pointer of the payload or record.

use serde_json::Value;

use crate::error::{ConfigError, Problem};

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Topic,
    Level(usize),
    Pointer(String),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

/// The topic of an MQTT message, split into levels once.
#[derive(Debug, Clone, Copy)]
pub struct Topic<'a> {
    pub name: &'a str,
    pub levels: &'a [&'a str],
}

impl Template {
    /// Parses `text`. Topic placeholders are refused unless `allow_topic`.
    pub fn parse(field: &str, text: &str, allow_topic: bool) -> Result<Self, ConfigError> {
        let allowed = if allow_topic {
            "{topic}, {topic.N} (N from 0) or a JSON pointer such as {/site}"
        } else {
            "a JSON pointer such as {/site}"
        };
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                return Err(ConfigError::new(
                    field,
                    text,
                    Problem::Placeholder {
                        placeholder: after.to_owned(),
                        allowed: allowed.to_owned(),
                    },
                ));
            };
            let name = &after[..close];
            let refuse = || {
                ConfigError::new(
                    field,
                    text,
                    Problem::Placeholder {
                        placeholder: name.to_owned(),
                        allowed: allowed.to_owned(),
                    },
                )
            };
            let part = if name.starts_with('/') {
                Part::Pointer(name.to_owned())
            } else if name == "topic" && allow_topic {
                Part::Topic
            } else if let Some(level) = name.strip_prefix("topic.").filter(|_| allow_topic) {
                Part::Level(level.parse().map_err(|_| refuse())?)
            } else {
                return Err(refuse());
            };
            parts.push(part);
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Self { parts })
    }

    /// Fills the template; a placeholder with nothing to fill it becomes empty.
    pub fn fill(&self, topic: Option<Topic<'_>>, document: &Value) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Topic => out.push_str(topic.map_or("", |t| t.name)),
                Part::Level(level) => {
                    out.push_str(topic.and_then(|t| t.levels.get(*level)).copied().unwrap_or(""));
                }
                Part::Pointer(pointer) => {
                    if let Some(value) = document.pointer(pointer) {
                        push_scalar(&mut out, value);
                    }
                }
            }
        }
        out
    }
}

/// Writes a JSON value as template text: strings unquoted, numbers and booleans as
/// written, null as nothing, and arrays or objects as JSON.
pub fn push_scalar(out: &mut String, value: &Value) {
    match value {
        Value::String(text) => out.push_str(text),
        Value::Null => {}
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        other => out.push_str(&other.to_string()),
    }
}

/// Checks that `pointer` is a JSON pointer: empty, or starting with `/`.
pub fn check_pointer(field: &str, pointer: &str) -> Result<(), ConfigError> {
    if pointer.is_empty() || pointer.starts_with('/') {
        Ok(())
    } else {
        Err(ConfigError::new(field, pointer, Problem::Pointer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_topic_levels_and_pointers() {
        let template = Template::parse("series", "air.{topic.1}.{/sensor/kind}", true).expect("template");
        let levels = ["tram", "phan-thiet", "khong-khi"];
        let topic = Topic {
            name: "tram/phan-thiet/khong-khi",
            levels: &levels,
        };
        let filled = template.fill(Some(topic), &serde_json::json!({"sensor": {"kind": "pm25"}}));
        assert_eq!(filled, "air.phan-thiet.pm25");
    }

    #[test]
    fn topic_placeholders_are_refused_outside_mqtt() {
        let error = Template::parse("json.values[0].series", "a.{topic.1}", false).expect_err("refused");
        assert_eq!(error.field, "json.values[0].series");
        assert!(error.to_string().contains("{topic.1}"), "{error}");
        assert!(Template::parse("s", "a.{unclosed", true).is_err());
        assert!(Template::parse("s", "a.{topic.x}", true).is_err());
    }
}
