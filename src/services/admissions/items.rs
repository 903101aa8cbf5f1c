//! The Assuring Transformation items of a stay as sent in `PATCH /api/v1/admissions/{id}`:
//! each absent is unchanged, each empty (`""`, or `[]` for the barriers) is cleared; codes are
//! checked against the collection's lists (`policies/assuring-transformation.toml`).

use crate::domain::dates::DateKind;
use crate::domain::inpatients::{Barrier, Collection, List, StayItems};
use crate::services::input::Check;
use serde::{Deserialize, Serialize};
use time::Date;

/// A barrier to discharge as sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct BarrierInput {
    /// A code of the collection's `discharge_barrier` list.
    pub code: Option<String>,
    /// The day it began: not in the future, not before the admission.
    #[schemars(with = "crate::services::schema::Day")]
    pub since: Option<String>,
}

/// The items as sent (flattened into the stay's PATCH body).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct ItemsInput {
    #[schemars(with = "Option<crate::services::schema::Note<200>>")]
    pub provider: Option<String>,
    /// A code of the collection's `admission_reason` list.
    pub admission_reason: Option<String>,
    /// A code of its `diagnosed_after_admission` list.
    pub diagnosed_after_admission: Option<String>,
    /// A code of its `advocate_type` list.
    pub advocate_type: Option<String>,
    /// The barriers to discharge now, each with the day it began (replaces the list).
    pub discharge_barriers: Option<Vec<BarrierInput>>,
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub planned_transfer_on: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub section17_leave_from: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub section17_leave_to: Option<String>,
    /// A code of its `ehc_plan` list.
    pub ehc_plan: Option<String>,
    /// A code of its `cqc_rating` list: the hospital's rating.
    pub cqc_rating: Option<String>,
    /// The day the notification of an admission to an inadequate hospital was sent.
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub cqc_notified_on: Option<String>,
}

/// One field as sent: not given, cleared, or a value.
enum Sent<'a> {
    Absent,
    Cleared,
    Value(&'a str),
}

fn sent(v: &Option<String>) -> Sent<'_> {
    match v.as_deref().map(str::trim) {
        None => Sent::Absent,
        Some("") => Sent::Cleared,
        Some(s) => Sent::Value(s),
    }
}

impl ItemsInput {
    /// Every item not sent taken as cleared: a form that shows every item sends the whole
    /// state, and a field left empty means none.
    pub fn clear_absent(&mut self) {
        for v in [
            &mut self.provider,
            &mut self.admission_reason,
            &mut self.diagnosed_after_admission,
            &mut self.advocate_type,
            &mut self.planned_transfer_on,
            &mut self.section17_leave_from,
            &mut self.section17_leave_to,
            &mut self.ehc_plan,
            &mut self.cqc_rating,
            &mut self.cqc_notified_on,
        ] {
            v.get_or_insert_with(String::new);
        }
        self.discharge_barriers.get_or_insert_with(Vec::new);
    }

    /// Whether any item was sent.
    pub fn any(&self) -> bool {
        self.discharge_barriers.is_some()
            || [
                &self.provider,
                &self.admission_reason,
                &self.diagnosed_after_admission,
                &self.advocate_type,
                &self.planned_transfer_on,
                &self.section17_leave_from,
                &self.section17_leave_to,
                &self.ehc_plan,
                &self.cqc_rating,
                &self.cqc_notified_on,
            ]
            .iter()
            .any(|v| v.is_some())
    }

    /// The items after this change, every problem named by field in `c`. `admitted_on` bounds
    /// the barriers' days; `today` the dates.
    pub fn applied(
        &self,
        c: &mut Check,
        collection: &Collection,
        mut items: StayItems,
        admitted_on: Date,
        today: Date,
    ) -> StayItems {
        if let Some(text) = self.text(c, "provider", "the provider", &self.provider) {
            items.provider = text;
        }
        self.apply_codes(c, collection, &mut items);
        self.apply_days(c, &mut items, today);
        if let (Some(from), Some(to)) = (items.section17_leave_from, items.section17_leave_to)
            && to < from
        {
            c.fail(
                "section17_leave_to",
                "The end of Section 17 leave cannot be before its start",
            );
        }
        if let Some(list) = &self.discharge_barriers {
            items.discharge_barriers = self.barriers(c, collection, list, admitted_on, today);
        }
        items
    }

    /// The coded items sent, each checked against its list.
    fn apply_codes(&self, c: &mut Check, collection: &Collection, items: &mut StayItems) {
        let code = |c: &mut Check, list: List, v: &Option<String>| -> Option<Option<String>> {
            match sent(v) {
                Sent::Absent => None,
                Sent::Cleared => Some(None),
                Sent::Value(s) if collection.label(list, s).is_some() => Some(Some(s.to_string())),
                Sent::Value(_) => {
                    c.fail(
                        list.name(),
                        format!("Choose one of {}", collection.choices(list)),
                    );
                    None
                }
            }
        };
        if let Some(v) = code(c, List::AdmissionReason, &self.admission_reason) {
            items.admission_reason = v;
        }
        if let Some(v) = code(
            c,
            List::DiagnosedAfterAdmission,
            &self.diagnosed_after_admission,
        ) {
            items.diagnosed_after_admission = v;
        }
        if let Some(v) = code(c, List::AdvocateType, &self.advocate_type) {
            items.advocate_type = v;
        }
        if let Some(v) = code(c, List::EhcPlan, &self.ehc_plan) {
            items.ehc_plan = v;
        }
        if let Some(v) = code(c, List::CqcRating, &self.cqc_rating) {
            items.cqc_rating = v;
        }
    }

    /// The dated items sent, each plausible for its kind.
    fn apply_days(&self, c: &mut Check, items: &mut StayItems, today: Date) {
        let day = |c: &mut Check, field: &str, label: &str, v: &Option<String>, kind| match sent(v)
        {
            Sent::Absent => None,
            Sent::Cleared => Some(None),
            Sent::Value(_) => c.optional_dated(field, label, v, kind, today).map(Some),
        };
        if let Some(v) = day(
            c,
            "planned_transfer_on",
            "the planned transfer date",
            &self.planned_transfer_on,
            DateKind::Planned,
        ) {
            items.planned_transfer_on = v;
        }
        if let Some(v) = day(
            c,
            "section17_leave_from",
            "the start of Section 17 leave",
            &self.section17_leave_from,
            DateKind::Planned,
        ) {
            items.section17_leave_from = v;
        }
        if let Some(v) = day(
            c,
            "section17_leave_to",
            "the end of Section 17 leave",
            &self.section17_leave_to,
            DateKind::Planned,
        ) {
            items.section17_leave_to = v;
        }
        if let Some(v) = day(
            c,
            "cqc_notified_on",
            "the day the notification was sent",
            &self.cqc_notified_on,
            DateKind::Event,
        ) {
            items.cqc_notified_on = v;
        }
    }

    fn text(
        &self,
        c: &mut Check,
        field: &str,
        label: &str,
        v: &Option<String>,
    ) -> Option<Option<String>> {
        match sent(v) {
            Sent::Absent => None,
            Sent::Cleared => Some(None),
            Sent::Value(_) => c.optional_text(field, label, v, 200).map(Some),
        }
    }

    fn barriers(
        &self,
        c: &mut Check,
        collection: &Collection,
        list: &[BarrierInput],
        admitted_on: Date,
        today: Date,
    ) -> Vec<Barrier> {
        let mut out: Vec<Barrier> = Vec::new();
        for (i, b) in list.iter().enumerate() {
            let field = |part: &str| format!("discharge_barriers.{i}.{part}");
            let code = match sent(&b.code) {
                Sent::Value(s) if collection.label(List::DischargeBarrier, s).is_some() => {
                    Some(s.to_string())
                }
                _ => {
                    c.fail(
                        &field("code"),
                        format!(
                            "Choose one of {}",
                            collection.choices(List::DischargeBarrier)
                        ),
                    );
                    None
                }
            };
            let since = c.past_date(&field("since"), "the day it began", &b.since, today);
            if since.is_some_and(|d| d < admitted_on) {
                c.fail(
                    &field("since"),
                    "A barrier to discharge cannot begin before the admission",
                );
            }
            if let (Some(code), Some(since)) = (code, since) {
                if out.iter().any(|b| b.code == code) {
                    c.fail(&field("code"), "This barrier is listed twice");
                } else {
                    out.push(Barrier { code, since });
                }
            }
        }
        out
    }
}
