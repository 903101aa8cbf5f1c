//! Reviews (CETR/CTR): their kinds, the panel rule, and the action plan's WHO / WHAT / WHEN /
//! HOW. The key lines of enquiry are in `enquiry`.

use time::Date;

use super::ids::UserId;
use super::vocabulary::vocabulary;

vocabulary!(ReviewKind {
    Community = "community" / "Community review",
    Laep = "laep" / "Local Area Emergency Protocol (LAEP)",
    PostAdmission = "post_admission" / "Post-admission review",
    Inpatient = "inpatient" / "Inpatient review",
    FollowUp = "follow_up" / "Follow-up review",
});

vocabulary!(ReviewStatus {
    Scheduled = "scheduled",
    Held = "held",
    Cancelled = "cancelled",
});

vocabulary!(ActionStatus {
    Open = "open",
    Done = "done",
    Dropped = "dropped",
});

impl ReviewKind {
    /// A LAEP, called when urgency rules out a community review, needs only its chair.
    pub fn needs_full_panel(self) -> bool {
        self != ReviewKind::Laep
    }
}

/// The panel as chosen: user ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Panel {
    pub chair: Option<UserId>,
    pub expert_by_experience: Option<UserId>,
    pub clinical_expert: Option<UserId>,
}

impl Panel {
    pub fn members(&self) -> impl Iterator<Item = &UserId> {
        [
            &self.chair,
            &self.expert_by_experience,
            &self.clinical_expert,
        ]
        .into_iter()
        .flatten()
    }
}

/// Why a panel cannot hold a review of this kind: the field and the rule.
pub fn panel_problem(kind: ReviewKind, panel: &Panel) -> Option<(&'static str, &'static str)> {
    if panel.chair.is_none() {
        return Some(("chair_id", "Every review needs a chair"));
    }
    if kind.needs_full_panel() {
        if panel.expert_by_experience.is_none() {
            return Some((
                "expert_by_experience_id",
                "The panel needs an independent expert by experience",
            ));
        }
        if panel.clinical_expert.is_none() {
            return Some((
                "clinical_expert_id",
                "The panel needs an independent clinical expert",
            ));
        }
    }
    let ids: Vec<&UserId> = panel.members().collect();
    let distinct: std::collections::BTreeSet<&&UserId> = ids.iter().collect();
    if distinct.len() != ids.len() {
        return Some((
            "expert_by_experience_id",
            "The chair, the expert by experience and the clinical expert must be three different people",
        ));
    }
    None
}

/// An open action is overdue once its WHEN has passed (the deadline engine's rule).
pub fn action_overdue(status: ActionStatus, due_on: Date, today: Date) -> bool {
    status == ActionStatus::Open && super::deadlines::is_overdue(due_on, today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn panel(c: Option<&str>, e: Option<&str>, k: Option<&str>) -> Panel {
        Panel {
            chair: c.map(UserId::from_text),
            expert_by_experience: e.map(UserId::from_text),
            clinical_expert: k.map(UserId::from_text),
        }
    }

    #[test]
    fn panels() {
        let cases = [
            (
                ReviewKind::Community,
                panel(Some("a"), Some("b"), Some("c")),
                None,
            ),
            (
                ReviewKind::Community,
                panel(Some("a"), Some("b"), None),
                Some("clinical_expert_id"),
            ),
            (
                ReviewKind::Community,
                panel(None, Some("b"), Some("c")),
                Some("chair_id"),
            ),
            (
                ReviewKind::Inpatient,
                panel(Some("a"), Some("a"), Some("c")),
                Some("expert_by_experience_id"),
            ),
            (
                ReviewKind::FollowUp,
                panel(Some("a"), Some("b"), Some("a")),
                Some("expert_by_experience_id"),
            ),
            (ReviewKind::Laep, panel(Some("a"), None, None), None),
            (ReviewKind::Laep, panel(None, None, None), Some("chair_id")),
            (
                ReviewKind::Laep,
                panel(Some("a"), Some("a"), None),
                Some("expert_by_experience_id"),
            ),
        ];
        for (kind, p, want) in cases {
            assert_eq!(
                panel_problem(kind, &p).map(|(f, _)| f),
                want,
                "{kind:?} {p:?}"
            );
        }
    }

    #[test]
    fn actions_are_overdue_only_when_open_and_past_when() {
        let due = date!(2026 - 12 - 01);
        assert!(!action_overdue(ActionStatus::Open, due, due));
        assert!(action_overdue(
            ActionStatus::Open,
            due,
            date!(2026 - 12 - 02)
        ));
        assert!(!action_overdue(
            ActionStatus::Done,
            due,
            date!(2027 - 01 - 01)
        ));
        assert!(!action_overdue(
            ActionStatus::Dropped,
            due,
            date!(2027 - 01 - 01)
        ));
    }

    #[test]
    fn vocabularies() {
        assert_eq!(ReviewKind::parse("laep"), Some(ReviewKind::Laep));
        assert_eq!(ReviewKind::ALL.len(), 5);
        assert_eq!(ActionStatus::parse("dropped"), Some(ActionStatus::Dropped));
    }
}
