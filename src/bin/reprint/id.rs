//! Document ids as they appear in the input: JSON strings or integers.

use std::fmt;

use serde_json::Value;

/// A document id: a JSON string or a JSON integer, kept as read so it is written back with the
/// same JSON type.
///
/// Ids are ordered integers first (by value), then strings (by bytes). The string `"1"` and the
/// integer `1` are different ids: they are different JSON values, and output keeps them apart.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Id {
    /// A JSON integer (any value an `i64` or a `u64` holds).
    Int(i128),
    /// A JSON string.
    Str(String),
}

impl Id {
    /// The id held by a JSON value, or a message saying why the value is not an id.
    pub fn from_json(value: Value) -> Result<Id, String> {
        match value {
            Value::String(s) => Ok(Id::Str(s)),
            Value::Number(n) => match n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from)) {
                Some(i) => Ok(Id::Int(i)),
                None => Err(format!("a number that is not an integer ({n})")),
            },
            other => Err(json_kind(&other).to_string()),
        }
    }
}

/// `null`, `a boolean`, ... for messages.
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Id::Str(v) => s.serialize_str(v),
            Id::Int(v) => match i64::try_from(*v) {
                Ok(i) => s.serialize_i64(i),
                // Ids only come from i64 or u64 values, so this always fits.
                Err(_) => s.serialize_u64(u64::try_from(*v).unwrap_or(u64::MAX)),
            },
        }
    }
}

/// As JSON: `"abc"` for a string, `12` for an integer, so messages tell `"1"` from `1`.
impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Id::Int(v) => write!(f, "{v}"),
            Id::Str(v) => match serde_json::to_string(v) {
                Ok(quoted) => f.write_str(&quoted),
                Err(_) => write!(f, "{v:?}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_their_json_type() {
        for text in ["1", "-5", "18446744073709551615", "\"1\"", "\"a\\\"b\""] {
            let v: Value = serde_json::from_str(text).unwrap();
            let id = Id::from_json(v).unwrap();
            assert_eq!(serde_json::to_string(&id).unwrap(), text);
        }
        assert!(Id::from_json(serde_json::json!(1.5)).is_err());
        assert!(Id::from_json(Value::Null).is_err());
        assert_ne!(Id::Int(1), Id::Str("1".into()));
        assert!(Id::Int(i128::from(u64::MAX)) < Id::Str(String::new()));
    }
}
