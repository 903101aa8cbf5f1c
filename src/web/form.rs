//! The one form layer: every page form arrives as [`Fields`] (each submitted name → value, in
//! order, with each GOV.UK date's three parts already joined by `web::date_input`), is checked
//! against CSRF by `CsrfForm<Fields>`, and becomes the service's own input type through serde
//! ([`Fields::input`]), the same type the JSON API deserialises. A refused form is shown again
//! by one helper ([`Fields::again`]) with its errors and exactly the values typed.
//!
//! How a form's fields become the input's JSON:
//! - a value that is empty once trimmed is absent (`None`); any other is the trimmed text;
//! - a dotted or bracketed name (`consent.basis`, `fields[hospital]`, `actions[0].who`) is a
//!   nested object, and an object whose keys are all row numbers is a list, in row order;
//! - a checkbox, named by the caller, is a `bool`: ticked as browsers send it (`on`, `true`,
//!   `yes`, or empty) or not (`off`, `false`, `no`, or absent from the body, as an unticked box
//!   is);
//! - when a name is sent twice, its first value counts.

use crate::error::{AppError, FieldErrors};
use crate::web::csrf::{CSRF_FIELD, Protected};
use crate::web::pages::{Html, Page, form_errors};
use rocket::form::{DataField, FromForm, Options, ValueField};
use rocket::http::Status;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A submitted page form: every name → value as sent (dates joined), in order.
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

#[rocket::async_trait]
impl<'r> FromForm<'r> for Fields {
    type Context = Vec<(String, String)>;

    fn init(_: Options) -> Self::Context {
        Vec::new()
    }

    fn push_value(ctxt: &mut Self::Context, field: ValueField<'r>) {
        ctxt.push((
            field.name.source().as_str().to_string(),
            field.value.to_string(),
        ));
    }

    async fn push_data(_: &mut Self::Context, _: DataField<'r, '_>) {
        // Page forms are urlencoded; `CsrfForm` never hands over a file.
    }

    fn finalize(ctxt: Self::Context) -> rocket::form::Result<'r, Self> {
        Ok(Fields(ctxt))
    }
}

impl Protected for Fields {
    fn csrf_token(&self) -> &str {
        self.get(CSRF_FIELD).unwrap_or("")
    }
}

/// The deepest name a page form has (`actions[0].who`); a deeper one is no field of ours and is
/// left out, so a crafted name cannot nest the input without end.
const MAX_PARTS: usize = 4;

/// A name's path: `a.b`, `a[b]` and `a[b].c` all split into their parts (`None` past
/// [`MAX_PARTS`]).
fn path(name: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = name
        .split(['.', '[', ']'])
        .filter(|p| !p.is_empty())
        .take(MAX_PARTS + 1)
        .collect();
    (parts.len() <= MAX_PARTS).then_some(parts)
}

/// A checkbox's value as Rocket reads a `bool` form field.
fn ticked(name: &str, value: Option<&str>) -> Result<bool, AppError> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("off" | "no" | "false") => Ok(false),
        Some("" | "on" | "yes" | "true") => Ok(true),
        Some(_) => Err(AppError::field(name, "Tick the box or leave it empty")),
    }
}

/// Puts `value` under the field `name` in `object` (a name nested too deeply is left out).
fn put_at(object: &mut Map<String, Value>, name: &str, value: Value) {
    if let Some(parts) = path(name) {
        put(object, &parts, value);
    }
}

/// Puts `value` at `path` in `object`, unless something is already there (first value counts).
fn put(object: &mut Map<String, Value>, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = object;
    for part in parents {
        let slot = at
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        match slot {
            Value::Object(inner) => at = inner,
            // A plain value already holds this name: the first one counts.
            _ => return,
        }
    }
    at.entry(last.to_string()).or_insert(value);
}

/// Objects whose keys are all row numbers become lists in row order, at every depth.
fn listed(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let rows: Option<Vec<usize>> = if map.is_empty() {
                None
            } else {
                map.keys().map(|k| k.parse().ok()).collect()
            };
            match rows {
                Some(mut numbers) => {
                    numbers.sort_unstable();
                    let mut map = map;
                    numbers
                        .into_iter()
                        .filter_map(|n| map.remove(&n.to_string()))
                        .map(listed)
                        .collect()
                }
                None => map.into_iter().map(|(k, v)| (k, listed(v))).collect(),
            }
        }
        other => other,
    }
}

/// Fills `into` with what `over` holds, key by key at every depth.
fn overlay(into: &mut Value, over: Value) {
    match (into, over) {
        (Value::Object(base), Value::Object(more)) => {
            for (k, v) in more {
                match base.get_mut(&k) {
                    Some(slot) if slot.is_object() && v.is_object() => overlay(slot, v),
                    _ => {
                        base.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

/// `value` as [`Fields::object`] reads text: each string trimmed, and dropped when empty.
pub fn trimmed(value: Value) -> Value {
    match value {
        Value::Object(map) => map
            .into_iter()
            .filter_map(|(k, v)| match trimmed(v) {
                Value::String(s) if s.is_empty() => None,
                v => Some((k, v)),
            })
            .collect(),
        Value::Array(items) => items.into_iter().map(trimmed).collect(),
        Value::String(s) => Value::String(s.trim().to_string()),
        other => other,
    }
}

impl Fields {
    /// The fields as given (a test or a kept form's replay).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Fields(pairs)
    }

    /// The first value sent under `name`, as typed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The fields sent under `prefix` (`prefix[name]` or `prefix.name`), named without it.
    pub fn within(&self, prefix: &str) -> Fields {
        Fields(
            self.0
                .iter()
                .filter_map(|(name, value)| {
                    let rest = name.strip_prefix(prefix)?;
                    let rest = match rest.strip_prefix('[') {
                        Some(r) => {
                            let (inner, after) = r.split_once(']')?;
                            format!("{inner}{after}")
                        }
                        None => rest.strip_prefix('.')?.to_string(),
                    };
                    Some((rest, value.clone()))
                })
                .collect(),
        )
    }

    /// The same fields with `from` sent as `to` (a form whose name differs from the input's).
    pub fn renamed(mut self, from: &str, to: &str) -> Fields {
        for (name, _) in &mut self.0 {
            if name == from {
                *name = to.to_string();
            }
        }
        self
    }

    /// The input's JSON: trimmed text, empty as absent, names nested, `checkboxes` as bools.
    pub fn object(&self, checkboxes: &[&str]) -> Result<Value, AppError> {
        self.build(checkboxes, &[])
    }

    /// As [`Fields::object`], with the `verbatim` fields exactly as typed (a password is never
    /// trimmed) and empty when not sent.
    fn build(&self, checkboxes: &[&str], verbatim: &[&str]) -> Result<Value, AppError> {
        let mut object = Map::new();
        for name in verbatim {
            let value = self.get(name).unwrap_or_default().to_string();
            put_at(&mut object, name, Value::String(value));
        }
        for (name, value) in &self.0 {
            let text = value.trim();
            if name == CSRF_FIELD || text.is_empty() || checkboxes.contains(&name.as_str()) {
                continue;
            }
            put_at(&mut object, name, Value::String(text.to_string()));
        }
        for name in checkboxes {
            let on = ticked(name, self.get(name))?;
            put_at(&mut object, name, Value::Bool(on));
        }
        Ok(listed(Value::Object(object)))
    }

    /// The service's input with the `verbatim` fields exactly as typed (see [`Fields::build`]).
    pub fn input_verbatim<T: DeserializeOwned>(&self, verbatim: &[&str]) -> Result<T, AppError> {
        Self::from_object(self.build(&[], verbatim)?)
    }

    /// The service's input, built by serde from [`Fields::object`].
    pub fn input<T: DeserializeOwned>(&self, checkboxes: &[&str]) -> Result<T, AppError> {
        Self::from_object(self.object(checkboxes)?)
    }

    /// The service's input, with the `yes_no` fields (a choice of `yes` or `no`) as bools: not
    /// chosen is absent, so the service names it as any other missing answer.
    pub fn input_answering<T: DeserializeOwned>(&self, yes_no: &[&str]) -> Result<T, AppError> {
        let mut object = self.object(&[])?;
        for name in yes_no {
            let Some(slot) = object.get_mut(*name) else {
                continue;
            };
            *slot = match slot.as_str() {
                Some("yes") => Value::Bool(true),
                Some("no") => Value::Bool(false),
                _ => return Err(AppError::field(name, "Choose yes or no")),
            };
        }
        Self::from_object(object)
    }

    /// An input from an object built by [`Fields::object`] and then adjusted by the form.
    /// Fields that do not make the input (only a hand-made request sends them: a value where a
    /// group of fields belongs, a group where one value does) are a bad request, named without
    /// echoing what was sent.
    pub fn from_object<T: DeserializeOwned>(object: Value) -> Result<T, AppError> {
        serde_json::from_value(object).map_err(|e| {
            let text = e.to_string();
            let field = text
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next());
            AppError::BadRequest(match field {
                Some(name) => format!(
                    "The form did not send its field `{name}`. Go back to the form and send it again."
                ),
                None => "The form could not be read: a field holds the wrong kind of value. Go back to the form and send it again.".into(),
            })
        })
    }

    /// Exactly what was typed, nested as [`Fields::object`] nests it (empty values kept).
    pub fn typed(&self) -> Value {
        let mut object = Map::new();
        for (name, value) in &self.0 {
            if name != CSRF_FIELD {
                put_at(&mut object, name, Value::String(value.clone()));
            }
        }
        listed(Value::Object(object))
    }

    /// Exactly what was typed, by the names the form sent (`admission.hospital` stays one key):
    /// for a form that reads its values by field name, nested or not.
    pub fn typed_by_name(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .filter(|(name, _)| name != CSRF_FIELD)
                .map(|(name, value)| (name.clone(), Value::String(value.clone())))
                .collect(),
        )
    }

    /// The values to fill a form with again: `blank` (every key the template reads, e.g. the
    /// input as built) overlaid with what was typed; `checkboxes` keep `blank`'s bools.
    pub fn refill(&self, blank: &impl Serialize, checkboxes: &[&str]) -> Result<Value, AppError> {
        let mut values = serde_json::to_value(blank).map_err(|e| AppError::failed("JSON", e))?;
        let mut typed = self.typed();
        for name in checkboxes {
            let parts = path(name).unwrap_or_default();
            if let Some((last, parents)) = parts.split_last() {
                let mut at = Some(&mut typed);
                for p in parents {
                    at = at.and_then(|v| v.get_mut(*p));
                }
                if let Some(Value::Object(m)) = at {
                    m.remove(*last);
                }
            }
        }
        overlay(&mut values, typed);
        Ok(values)
    }

    /// Shows the form again (422) with its errors, in `order` first, and `values` (see
    /// [`Fields::refill`]) under `key` in `context`.
    pub fn again(
        view: &Page<'_>,
        template: &str,
        mut context: Value,
        (key, values): (&str, Value),
        (errors, order): (&FieldErrors, &[&str]),
    ) -> Result<Html, AppError> {
        context[key] = values;
        overlay(&mut context, form_errors(errors, order));
        view.render_status(Status::UnprocessableEntity, template, context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(list: &[(&str, &str)]) -> Fields {
        Fields::from_pairs(
            list.iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn fields_that_do_not_make_the_input_are_a_bad_request_not_a_failure() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Input {
            name: String,
            consent: Option<BTreeMap<String, String>>,
        }
        use std::collections::BTreeMap;
        let shape = fields(&[("name", "Ann"), ("consent", "secret-value")])
            .input::<Input>(&[])
            .unwrap_err();
        assert_eq!(shape.status(), Status::BadRequest);
        assert!(!shape.public_message().contains("secret-value"));
        let missing = fields(&[("consent.basis", "self")])
            .input::<Input>(&[])
            .unwrap_err();
        assert_eq!(missing.status(), Status::BadRequest);
        assert!(missing.public_message().contains("`name`"));
    }

    #[test]
    fn a_name_nested_past_the_deepest_form_is_left_out() {
        let deep = "a.".repeat(100_000) + "b";
        let f = fields(&[("actions[0].who", "Sam"), (deep.as_str(), "x")]);
        assert_eq!(f.object(&[]).unwrap(), json!({"actions": [{"who": "Sam"}]}));
        assert_eq!(f.typed(), json!({"actions": [{"who": "Sam"}]}));
    }

    #[test]
    fn names_nest_values_trim_and_empty_is_absent() {
        let f = fields(&[
            ("csrf_token", "t"),
            ("given_name", "  Ann "),
            ("postcode", " "),
            ("consent.basis", "self"),
            ("consent.basis", "parental"),
            ("autism", "true"),
        ]);
        let got = f
            .object(&["autism", "ehcp", "consent.gillick_competent"])
            .unwrap();
        assert_eq!(
            got,
            json!({"given_name": "Ann", "autism": true, "ehcp": false,
                   "consent": {"basis": "self", "gillick_competent": false}})
        );
        assert_eq!(f.csrf_token(), "t");
    }

    #[test]
    fn verbatim_fields_keep_their_spaces() {
        let f = fields(&[("password", " a b "), ("name", " n ")]);
        assert_eq!(
            f.build(&[], &["password", "role"]).unwrap(),
            json!({"password": " a b ", "role": "", "name": "n"})
        );
    }

    #[test]
    fn rows_become_lists_and_prefixes_strip() {
        let f = fields(&[
            ("actions[1].who", "b"),
            ("actions[0].who", "a"),
            ("fields[hospital]", "X"),
        ]);
        assert_eq!(
            f.object(&[]).unwrap(),
            json!({"actions": [{"who": "a"}, {"who": "b"}], "fields": {"hospital": "X"}})
        );
        assert_eq!(
            f.within("fields").object(&[]).unwrap(),
            json!({"hospital": "X"})
        );
    }

    #[test]
    fn refill_keeps_what_was_typed_over_the_blank() {
        let f = fields(&[("csrf_token", "t"), ("a", " x "), ("ld", "true")]);
        let blank = json!({"a": "x", "b": null, "ld": true});
        assert_eq!(
            f.refill(&blank, &["ld"]).unwrap(),
            json!({"a": " x ", "b": null, "ld": true})
        );
    }

    #[test]
    fn a_checkbox_reads_as_rocket_reads_a_bool() {
        for (sent, on) in [(None, false), (Some("off"), false), (Some(""), true)] {
            let pairs: Vec<(&str, &str)> = sent.map(|v| ("x", v)).into_iter().collect();
            assert_eq!(fields(&pairs).object(&["x"]).unwrap(), json!({"x": on}));
        }
        assert!(fields(&[("x", "maybe")]).object(&["x"]).is_err());
    }
}
