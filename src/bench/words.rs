//! The synthetic register's vocabularies: names (the demo's and more), and the reasons, findings,
//! actions and referrers its rows are drawn from.

// Names, places and reasons are shared with the demo register.
use crate::demo::words as demo;
use std::sync::LazyLock;

/// The demo's names and more (more of them accented), so that a large register repeats fewer.
pub(super) static FEMALE: LazyLock<Vec<&str>> =
    LazyLock::new(|| [demo::FEMALE, &["Aoife", "Renée", "Zofia", "Inés"]].concat());
pub(super) static MALE: LazyLock<Vec<&str>> =
    LazyLock::new(|| [demo::MALE, &["Oisín", "José", "Rónán", "Jérôme"]].concat());
pub(super) static UNISEX: LazyLock<Vec<&str>> =
    LazyLock::new(|| [demo::UNISEX, &["Rowan"]].concat());
pub(super) static FAMILY: LazyLock<Vec<&str>> = LazyLock::new(|| {
    [
        demo::FAMILY,
        &[
            "Ó Súilleabháin",
            "Muñoz",
            "Müller",
            "Dąbrowski",
            "O'Connor",
            "Nguyen",
            "Smith",
            "Jones",
            "Williams",
            "Taylor",
            "Brown",
            "Davies",
            "Evans",
            "Wilson",
            "Patel",
            "Khan",
        ],
    ]
    .concat()
});

pub(super) const CLOSED_REASONS: &[&str] = &[
    "Moved out of the area; care transferred to the new commissioner",
    "Stable for over a year: no longer at risk of admission",
    "Died",
    "Now supported by adult community services; no longer needs the register",
];
pub(super) const WITHDRAWN_REASONS: &[&str] = &[
    "The person asked to be removed from the register",
    "Parent withdrew consent on the child's behalf",
];
pub(super) const CANCELLED_CLOSED: &str = "Left the register";
pub(super) const CANCELLED_REASONS: &[&str] = &[
    "Family unavailable on the day; to be rearranged",
    "Panel member unwell; to be rearranged",
];
pub(super) const FINDINGS: &[&str] = &[
    "Discussed with the family and the team; see the action plan.",
    "No concerns raised; current arrangements are working.",
    "Some concerns: addressed in the action plan.",
    "Needs more information from the provider before the panel can be assured.",
];
pub(super) const RECOMMENDATIONS: &[&str] = &[
    "Increase support at home; review the placement plan.",
    "Continue the current plan; share the crisis plan with school.",
    "Plan discharge to a supported living placement within three months.",
    "Refer for a sensory assessment and update the positive behaviour support plan.",
];
/// WHO, WHAT, HOW.
pub(super) const ACTIONS: &[(&str, &str, &str)] = &[
    (
        "Children's social care",
        "Arrange a short-break (respite) package",
        "Funding request to the joint panel",
    ),
    (
        "Community LD nursing team",
        "Positive behaviour support plan",
        "Two home visits and a plan shared with school",
    ),
    (
        "Care coordinator",
        "Update the crisis plan",
        "Meeting with the family and the provider",
    ),
    (
        "Commissioner",
        "Identify a specialist placement",
        "Approach three providers on the framework",
    ),
    (
        "Psychiatrist",
        "Medication review",
        "Outpatient appointment and letter to the GP",
    ),
    (
        "SENCo",
        "Review the EHCP",
        "Early annual review with the local authority",
    ),
];
pub(super) const DROPPED_NOTES: &[&str] = &[
    "No longer needed: the placement changed",
    "Superseded by the next review's plan",
];
pub(super) const REFERRERS: &[(&str, &str)] = &[
    ("Dr Helen Price", "Consultant psychiatrist, CAMHS"),
    ("Mark Ellis", "Social worker, Peterborough City Council"),
    ("Sarah Lin", "SENCo, Fenland Academy"),
    ("Dr Amir Patel", "GP"),
    ("Community nurse", "Learning disability nursing team"),
    ("Janet Hughes", "Parent"),
];
pub(super) const CONTACTS: &[&str] = &[
    "via the single point of access mailbox",
    "ld.team@example.nhs.uk",
    "surgery reception",
    "01733 000000",
];
pub(super) const REFERRAL_REASONS: &[&str] = &[
    "Three A&E attendances this month; residential school placement ending.",
    "Supported living provider has given notice.",
    "We cannot keep him safe at home any more and need help.",
    "Struggling with the move to secondary school; parents worried.",
    "Worsening anxiety and self-injury; community team at capacity.",
];
pub(super) const DECLINE_REASONS: &[&str] = &[
    "Not at risk of admission: needs met by the community learning disability team, who will follow up.",
    "Neither a learning disability nor autism: signposted to community mental health services.",
];
