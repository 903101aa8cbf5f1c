//! The demo register: about sixty synthetic people with consent, risk assessments, hospital
//! stays and oversight visits, seeded by `tcr demo` when the register is empty.
//!
//! Everything goes through the real services (the consent gate, the risk tool, the hospital
//! rules), so the demo data obeys the same rules as real entries and every write is audited.
//! Nothing is random in the usual sense: a small fixed-seed generator makes the same register
//! every time, with dates counted back from today. NHS numbers come from the `999` test range.

use crate::domain::age::age_on;
use crate::domain::nhs_number::NhsNumber;
use crate::domain::risk::{Rating, RiskTool};
use crate::domain::role::Role;
use crate::entities::person;
use crate::error::AppError;
use crate::services::admissions::{self, Discharge, NewAdmission, NewVisit};
use crate::services::people::{self, ConsentInput, NewPerson, Reader};
use crate::services::risk::{self, NewAssessment};
use crate::services::sessions::SignedIn;
use crate::services::users::UserView;
use crate::services::{Actor, App};
use sea_orm::{EntityTrait, PaginatorTrait};
use std::collections::{BTreeMap, HashSet};
use time::{Date, Duration};

/// How many people the demo register holds.
pub const PEOPLE: usize = 60;
/// Of whom this many are in hospital now…
const IN_HOSPITAL: usize = 8;
/// …of whom this many have had an oversight visit…
const VISITED: usize = 2;
/// …and this many were in hospital and have been discharged.
const DISCHARGED: usize = 4;

const SEED: u64 = 0x7C52_0DE3_0000_2026;

/// Seeds the demo register when it is empty, returning how many people were added (0 when the
/// register already had anyone on it).
pub async fn seed(app: &App) -> Result<usize, AppError> {
    if person::Entity::find().count(&app.db).await? > 0 {
        return Ok(0);
    }
    let plans = plan(
        app.clock.today(),
        &app.policies.risk_tool,
        app.policies.schedule.post_discharge_red_days,
    );
    let actor = Actor {
        user_id: None,
        username: "demo".into(),
        role: "commissioner".into(),
    };
    let signed_in = SignedIn {
        session_id: String::new(),
        user: UserView {
            id: String::new(),
            username: "demo".into(),
            display_name: "Demo data".into(),
            role: Role::Commissioner,
            active: true,
            created_at: app.clock.now(),
            must_change_password: false,
            panel_kind: None,
        },
        started_at: app.clock.now(),
        active_at: app.clock.now(),
    };
    let reader = Reader::of(app, &signed_in);
    for (n, p) in plans.iter().enumerate() {
        create(app, &actor, &reader, p).await.map_err(|(what, e)| {
            AppError::Internal(format!("demo person {} ({what}): {e:?}", n + 1))
        })?;
    }
    seed_referrals(app, &actor, &reader)
        .await
        .map_err(|e| AppError::Internal(format!("demo referrals: {e:?}")))?;
    seed_reviews(app, &actor, &reader, &signed_in)
        .await
        .map_err(|e| AppError::Internal(format!("demo reviews: {e:?}")))?;
    // Last month's return, so the Returns page has one to open and download.
    crate::services::returns::generate(
        app,
        &actor,
        "Cara Commissioner",
        &crate::services::returns::NewReturn {
            kind: Some("monthly".into()),
            period: Some(
                crate::domain::returns::Period::latest_ended(
                    crate::domain::returns::ReturnKind::Monthly,
                    app.clock.today(),
                )
                .label(),
            ),
        },
    )
    .await
    .map_err(|e| AppError::Internal(format!("demo return: {e:?}")))?;
    Ok(plans.len())
}

/// Reviews for some of the red and blue people, with the demo panel (`chair`, `expert`,
/// `clinician`) when those users exist: held ones with action plans (one action overdue) and
/// their follow-ups, upcoming ones, and one overdue.
async fn seed_reviews(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    who: &SignedIn,
) -> Result<(), AppError> {
    use crate::services::reviews::{self, NewAction, NewReview, Outcome};
    use crate::services::users;
    let chairs = users::active_with_roles(&app.db, &[Role::PanelChair]).await?;
    let members = users::active_with_roles(&app.db, &[Role::PanelMember]).await?;
    let (Some(chair), Some(expert), Some(clinician)) = (
        chairs.iter().find(|u| u.username == "chair"),
        members.iter().find(|u| u.username == "expert"),
        members.iter().find(|u| u.username == "clinician"),
    ) else {
        return Ok(());
    };
    let today = app.clock.today();
    let query = crate::services::people::ListQuery {
        page: 1,
        per_page: 500,
        ..Default::default()
    };
    let (people, _) = crate::services::people::list(app, actor, reader, &query).await?;
    let mut day_offset = 0i64;
    let mut next_day = |from: i64| {
        day_offset += 1;
        today + time::Duration::days(from + day_offset)
    };
    let panel = |kind: &str, day: Date| NewReview {
        kind: Some(kind.into()),
        scheduled_for: Some(day.to_string()),
        scheduled_on: None,
        chair_id: Some(chair.id.clone()),
        expert_by_experience_id: Some(expert.id.clone()),
        clinical_expert_id: Some(clinician.id.clone()),
        starts_at: Some(
            if day.day().is_multiple_of(2) {
                "10:00"
            } else {
                "14:30"
            }
            .into(),
        ),
        place: Some(if day.day().is_multiple_of(3) {
            "https://meet.example.nhs.uk/cetr-room".into()
        } else {
            "Meeting room 2, Brookfields Campus, Cambridge".into()
        }),
        ask_day_off: false,
    };
    let red: Vec<_> = people
        .iter()
        .filter(|p| p.rating == Some(Rating::Red))
        .collect();
    let blue: Vec<_> = people
        .iter()
        .filter(|p| p.rating == Some(Rating::Blue))
        .collect();
    // Held community reviews, 20–40 days ago, with their action plans.
    for p in red.iter().take(3) {
        let held = next_day(-45);
        let r = reviews::schedule(app, actor, reader, &p.id, panel("community", held)).await?;
        let findings = crate::domain::review::LINES_OF_ENQUIRY
            .iter()
            .map(|(k, _)| {
                (
                    k.to_string(),
                    "Discussed with the family and the team; see the action plan.".to_string(),
                )
            })
            .collect();
        let action = |who: &str, what: &str, when: Date, how: &str| NewAction {
            who: Some(who.into()),
            what: Some(what.into()),
            when: Some(when.to_string()),
            how: Some(how.into()),
        };
        reviews::hold(
            app,
            who,
            &r.id,
            Outcome {
                held_on: Some(held.to_string()),
                findings: Some(findings),
                recommendations: Some(
                    "Increase support at home; review the placement plan.".into(),
                ),
                actions: Some(vec![
                    action(
                        "Children's social care",
                        "Arrange a short-break (respite) package",
                        held + time::Duration::days(60),
                        "Funding request to the joint panel",
                    ),
                    action(
                        "Community LD nursing team",
                        "Positive behaviour support plan",
                        held + time::Duration::days(10),
                        "Two home visits and a plan shared with school",
                    ),
                ]),
            },
        )
        .await?;
    }
    // Upcoming community reviews for other red people, and inpatient reviews for people in hospital.
    for p in red.iter().skip(3).take(3) {
        reviews::schedule(app, actor, reader, &p.id, panel("community", next_day(3))).await?;
    }
    for p in blue.iter().take(2) {
        reviews::schedule(app, actor, reader, &p.id, panel("inpatient", next_day(10))).await?;
    }
    // One overdue: scheduled in the past and never held.
    if let Some(p) = blue.get(2) {
        reviews::schedule(
            app,
            actor,
            reader,
            &p.id,
            panel("post_admission", next_day(-20)),
        )
        .await?;
    }
    Ok(())
}

/// A handful of referrals in every state: awaiting (one overdue, one due soon, one without an
/// MDT), one matching someone already on the register, one declined with the outcome sent.
async fn seed_referrals(app: &App, actor: &Actor, reader: &Reader) -> Result<(), AppError> {
    use crate::services::referrals::{self, Decision, NewReferral, OutcomeSent};
    let today = app.clock.today();
    let day = |ago: i64| Some((today - time::Duration::days(ago)).to_string());
    let answers = |yes: &[&str]| {
        Some(
            app.policies
                .risk_tool
                .questions
                .iter()
                .map(|q| {
                    (
                        q.id.clone(),
                        serde_json::json!(yes.contains(&q.id.as_str())),
                    )
                })
                .collect(),
        )
    };
    let existing = person::Entity::find().one(&app.db).await?;
    let cases = [
        (
            "Dr Helen Price",
            "Consultant psychiatrist, CAMHS",
            "Aoife",
            "Kelly",
            15,
            33,
            Some(40),
            answers(&[
                "mh_unstable",
                "behaviour_challenges",
                "unstable_environment",
                "crisis_last_month",
            ]),
            "Three A&E attendances this month; residential school placement ending.",
        ),
        (
            "Mark Ellis",
            "Social worker, Peterborough City Council",
            "Tomasz",
            "Nowak",
            19,
            20,
            Some(22),
            answers(&[
                "behaviour_challenges",
                "placement_breakdown",
                "carers_not_coping",
            ]),
            "Supported living provider has given notice.",
        ),
        (
            "Janet Hughes",
            "Mother",
            "Oliver",
            "Hughes",
            11,
            5,
            None,
            None,
            "We cannot keep him safe at home any more and need help.",
        ),
        (
            "Sarah Lin",
            "SENCo, Fenland Academy",
            "Grace",
            "Okoro",
            13,
            2,
            Some(3),
            answers(&["mh_unstable", "transition"]),
            "Struggling with the move to secondary school; parents worried.",
        ),
    ];
    for (referrer, role, given, family, age, received_ago, mdt_ago, answers, reason) in cases {
        let born = today - time::Duration::days(365 * age + 40);
        referrals::create(
            app,
            actor,
            reader,
            NewReferral {
                received_on: day(received_ago),
                referrer_name: Some(referrer.into()),
                referrer_role: Some(role.into()),
                referrer_contact: Some("via the single point of access mailbox".into()),
                given_name: Some(given.into()),
                family_name: Some(family.into()),
                date_of_birth: Some(born.to_string()),
                nhs_number: None,
                reason: Some(reason.into()),
                mdt_held_on: mdt_ago.and_then(day),
                answers,
            },
        )
        .await?;
    }
    if let Some(p) = existing {
        referrals::create(
            app,
            actor,
            reader,
            NewReferral {
                received_on: day(1),
                referrer_name: Some("Dr Amir Patel".into()),
                referrer_role: Some("GP".into()),
                referrer_contact: Some("surgery reception".into()),
                given_name: Some(p.given_name.clone()),
                family_name: Some(p.family_name.clone()),
                date_of_birth: Some(p.date_of_birth.to_string()),
                nhs_number: None,
                reason: Some("Re-referral after a crisis at the weekend.".into()),
                mdt_held_on: None,
                answers: None,
            },
        )
        .await?;
    }
    let declined = referrals::create(
        app,
        actor,
        reader,
        NewReferral {
            received_on: day(45),
            referrer_name: Some("Community nurse".into()),
            referrer_role: Some("Learning disability nursing team".into()),
            referrer_contact: Some("ld.team@example.nhs.uk".into()),
            given_name: Some("Ellis".into()),
            family_name: Some("Marsh".into()),
            date_of_birth: Some((today - time::Duration::days(365 * 34)).to_string()),
            nhs_number: None,
            reason: Some("Worsening anxiety.".into()),
            mdt_held_on: day(50),
            answers: None,
        },
    )
    .await?;
    referrals::decide(app, actor, reader, &declined.id, Decision {
        decided_on: day(30),
        outcome: Some("declined".into()),
        reason: Some("Not at risk of admission: needs met by the community learning disability team, who will follow up.".into()),
        person: None,
    })
    .await?;
    referrals::outcome_sent(
        app,
        actor,
        reader,
        &declined.id,
        OutcomeSent { sent_on: day(29) },
    )
    .await?;
    Ok(())
}

/// Registers one planned person and plays their history through the services, in date order.
async fn create(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    p: &Planned,
) -> Result<(), (&'static str, AppError)> {
    let person = people::register(app, actor, p.input.clone())
        .await
        .map_err(|e| ("register", e))?;
    let mut admission_id = None;
    for step in &p.steps {
        match step {
            Step::Assess {
                on,
                answers,
                rating,
                reason,
            } => {
                let input = NewAssessment {
                    assessed_on: Some(on.to_string()),
                    answers: Some(
                        answers
                            .iter()
                            .map(|(k, v)| (k.clone(), serde_json::Value::Bool(*v)))
                            .collect(),
                    ),
                    rating: rating.map(|r| r.as_str().to_string()),
                    override_reason: reason.map(String::from),
                };
                risk::assess(app, actor, reader, &person.id, input)
                    .await
                    .map_err(|e| ("assessment", e))?;
            }
            Step::Admit {
                on,
                hospital,
                security_level,
                legal_status,
                planned_discharge_on,
            } => {
                let input = NewAdmission {
                    admitted_on: Some(on.to_string()),
                    hospital: Some(hospital.to_string()),
                    security_level: Some(security_level.to_string()),
                    legal_status: Some(legal_status.to_string()),
                    planned_discharge_on: planned_discharge_on.map(|d| d.to_string()),
                };
                let stay = admissions::admit(app, actor, reader, &person.id, input)
                    .await
                    .map_err(|e| ("admission", e))?;
                admission_id = Some(stay.id);
            }
            Step::Visit { on, visitor } => {
                let input = NewVisit {
                    visited_on: Some(on.to_string()),
                    visitor: Some(visitor.to_string()),
                };
                admissions::record_visit(app, actor, reader, &person.id, input)
                    .await
                    .map_err(|e| ("visit", e))?;
            }
            Step::Discharge { on, destination } => {
                let id = admission_id.take().ok_or((
                    "discharge",
                    AppError::Internal("discharge planned without an admission".into()),
                ))?;
                let input = Discharge {
                    discharged_on: Some(on.to_string()),
                    destination: Some(destination.to_string()),
                };
                admissions::discharge(app, actor, reader, &id, input)
                    .await
                    .map_err(|e| ("discharge", e))?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The plan: pure, so the same seed always gives the same register (relative to today).

/// One person to add, and their history in date order.
struct Planned {
    input: NewPerson,
    steps: Vec<Step>,
}

enum Step {
    Assess {
        on: Date,
        answers: BTreeMap<String, bool>,
        /// An override of the suggestion (with its reason), or `None` to accept it.
        rating: Option<Rating>,
        reason: Option<&'static str>,
    },
    Admit {
        on: Date,
        hospital: &'static str,
        security_level: &'static str,
        legal_status: &'static str,
        planned_discharge_on: Option<Date>,
    },
    Visit {
        on: Date,
        visitor: &'static str,
    },
    Discharge {
        on: Date,
        destination: &'static str,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Course {
    /// Lives in the community throughout.
    Community,
    /// In hospital now; `visited` when a commissioner oversight visit has been recorded.
    InHospital { visited: bool },
    /// Was admitted, and discharged at least 20 days ago.
    Discharged,
}

/// A rating to aim an assessment at: 0 green, 1 amber, 2 red.
pub(crate) type Level = i64;

pub(crate) const GREEN: Level = 0;
pub(crate) const AMBER: Level = 1;
pub(crate) const RED: Level = 2;

/// `SplitMix64`: tiny, fast and good enough to make varied but repeatable demo data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number from `lo` to `hi`, both included (`lo` when `hi < lo`).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }

    /// One of `items`, each as likely as its weight.
    fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut n = self.next() % total;
        for (item, w) in items {
            if n < *w {
                return *item;
            }
            n -= w;
        }
        items[items.len() - 1].0
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

// Invented but plausible names. The accented ones come first so that every one of them is used.
pub(crate) const FEMALE: &[&str] = &[
    "Zoë", "Siân", "Chloé", "Amelia", "Isla", "Freya", "Niamh", "Aisha", "Poppy", "Maya", "Ruby",
    "Imogen", "Priya", "Bethany", "Keira", "Hannah", "Esme", "Leah", "Grace", "Orla",
];
pub(crate) const MALE: &[&str] = &[
    "Łukasz", "Seán", "Oliver", "Callum", "Ethan", "Mohammed", "Reuben", "Kai", "Tyler", "Finley",
    "Jamal", "Owen", "Dylan", "Rhys", "Arjun", "Tomasz", "Lewis", "Harvey", "Jayden", "Alfie",
    "Ciarán", "Bartosz",
];
pub(crate) const UNISEX: &[&str] = &["Alex", "Jordan", "Charlie", "Riley", "Sam", "Robin"];
pub(crate) const FAMILY: &[&str] = &[
    "Ashworth",
    "Bennett",
    "Okafor",
    "Nowak",
    "Pritchard",
    "Kowalski",
    "Fenwick",
    "Marsh",
    "Brennan",
    "Whitlock",
    "Haddad",
    "Gallagher",
    "Ellison",
    "Chaudhry",
    "Fairbairn",
    "Tremayne",
    "Quigley",
    "Sutcliffe",
    "Dunmore",
    "Kaur",
    "Pemberton",
    "Rowntree",
    "Stanhope",
    "Varga",
    "Wójcik",
    "Hollis",
    "Caddick",
    "Denholm",
    "Eastwood",
    "Garside",
    "Holroyd",
    "Jessop",
    "Mabbott",
    "Osgood",
    "Begum",
    "Adeyemi",
    "Thorne",
    "Lister",
    "Kendrick",
    "Lefèvre",
];
pub(crate) const MOTHERS: &[&str] = &[
    "Sarah",
    "Claire",
    "Joanne",
    "Agnieszka",
    "Fatima",
    "Rebecca",
    "Louise",
    "Nadia",
];
pub(crate) const FATHERS: &[&str] = &["Mark", "David", "Piotr", "Imran", "Gareth", "Stephen"];
pub(crate) const SOCIAL_WORKERS: &[&str] = &[
    "Helen Makepeace",
    "Tom Birtwistle",
    "Amara Nwosu",
    "Gemma Radley",
    "Daniel Ferreira",
    "Ruth Okonjo",
    "Karen Sillitoe",
    "Yusuf Malik",
];
pub(crate) const KEYWORKERS: &[&str] = &[
    "Jess Hartley",
    "Marcus Lowe",
    "Priti Desai",
    "Neil Coombes",
    "Shona McLeod",
    "Ellie Varnham",
];
/// The demo commissioner and panel members, as they would sign a visit record.
pub(crate) const VISITORS: &[&str] = &[
    "Cara Commissioner",
    "Dr Cal Clinical",
    "Eve Expert-by-experience",
];
pub(crate) const DESTINATIONS: &[&str] = &[
    "Family home",
    "Supported living, Wisbech",
    "Residential care, Huntingdon",
    "Specialist residential college",
    "Step-down placement, St Neots",
];

/// Postcode areas within each local authority (outward codes).
pub(crate) const CAMBS_CB: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 21, 22, 23, 24, 25];
pub(crate) const CAMBS_PE: &[u32] = &[13, 14, 15, 16, 19, 26, 27, 28, 29];
pub(crate) const PBORO_PE: &[u32] = &[1, 2, 3, 4, 6, 7, 8];
/// Letters used in the inward code (not C, I, K, M, O or V).
pub(crate) const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// A hospital: its name, whether it takes children, and the security levels it runs.
pub(crate) struct Hospital {
    pub(crate) name: &'static str,
    pub(crate) children: bool,
    pub(crate) security: &'static [&'static str],
}

pub(crate) const HOSPITALS: &[Hospital] = &[
    Hospital {
        name: "Cavell Centre",
        children: false,
        security: &["none"],
    },
    Hospital {
        name: "Fulbourn Hospital",
        children: false,
        security: &["none", "low"],
    },
    Hospital {
        name: "Broadland Clinic",
        children: false,
        security: &["medium"],
    },
    Hospital {
        name: "St Andrew's Healthcare, Northampton",
        children: false,
        security: &["low", "medium"],
    },
    Hospital {
        name: "Rampton Hospital",
        children: false,
        security: &["high"],
    },
    Hospital {
        name: "Darwin Centre",
        children: true,
        security: &["none"],
    },
    Hospital {
        name: "Priory Hospital Ellingham",
        children: true,
        security: &["none", "low"],
    },
];

pub(crate) const OVERRIDE_UP: &[&str] = &[
    "Carers reported further incidents after the assessment; the panel agreed a higher rating",
    "Placement gave notice the day after scoring; rated higher pending a new placement",
];
pub(crate) const OVERRIDE_DOWN: &[&str] = &[
    "Score driven by historical items; the new placement has settled well with a crisis plan in place",
    "Stable for several months with intensive support at home; the panel agreed a lower rating",
];

/// Cycles through a list of names so that each is used before any repeats.
struct Cycle {
    next: usize,
}

impl Cycle {
    fn take(&mut self, names: &[&'static str]) -> &'static str {
        let name = names[self.next % names.len()];
        self.next += 1;
        name
    }
}

/// The whole demo register, relative to `today`.
fn plan(today: Date, tool: &RiskTool, red_days: u32) -> Vec<Planned> {
    let mut rng = Rng(SEED);
    let mut courses = vec![Course::Community; PEOPLE];
    let mut order: Vec<usize> = (0..PEOPLE).collect();
    rng.shuffle(&mut order);
    for (n, &i) in order.iter().enumerate() {
        courses[i] = if n < IN_HOSPITAL {
            Course::InHospital {
                visited: n < VISITED,
            }
        } else if n < IN_HOSPITAL + DISCHARGED {
            Course::Discharged
        } else {
            Course::Community
        };
    }
    let mut ctx = Context {
        rng,
        today,
        tool,
        red_days: i64::from(red_days),
        female: Cycle { next: 0 },
        male: Cycle { next: 0 },
        unisex: Cycle { next: 0 },
        numbers: HashSet::new(),
        names: HashSet::new(),
    };
    // Ages today: a fifth 8–13, three tenths 14–17, three tenths 18–25, a fifth 26–45.
    let mut bands = vec![(14, 17); PEOPLE];
    let quotas = [((8, 13), 20), ((18, 25), 30), ((26, 45), 20)];
    let mut n = 0;
    for (band, percent) in quotas {
        for _ in 0..PEOPLE * percent / 100 {
            bands[n] = band;
            n += 1;
        }
    }
    ctx.rng.shuffle(&mut bands);
    courses
        .into_iter()
        .zip(bands)
        .map(|(c, band)| ctx.person(c, band))
        .collect()
}

struct Context<'a> {
    rng: Rng,
    today: Date,
    tool: &'a RiskTool,
    red_days: i64,
    female: Cycle,
    male: Cycle,
    unisex: Cycle,
    numbers: HashSet<String>,
    names: HashSet<(String, String)>,
}

impl Context<'_> {
    fn days_ago(&self, n: i64) -> Date {
        self.today - Duration::days(n)
    }

    fn nhs_number(&mut self) -> NhsNumber {
        loop {
            let mut digits = [9u8, 9, 9, 0, 0, 0, 0, 0, 0];
            for d in digits.iter_mut().skip(3) {
                *d = self.rng.range(0, 9) as u8;
            }
            // Some prefixes admit no valid number (their check digit would be 10): skip them.
            if let Some(n) = NhsNumber::from_first_nine(digits)
                && self.numbers.insert(n.digits().to_string())
            {
                return n;
            }
        }
    }

    /// A date of birth making the person an age within `band` today.
    fn date_of_birth(&mut self, band: (i64, i64)) -> Date {
        let years = self.rng.range(band.0, band.1);
        // `years` ago today (the 28th at the latest, so the day exists in every month), less
        // under a year: exactly `years` old today.
        let anniversary = Date::from_calendar_date(
            self.today.year() - years as i32,
            self.today.month(),
            self.today.day().min(28),
        )
        .unwrap_or(self.today - Duration::days(years * 365));
        anniversary - Duration::days(self.rng.range(0, 360))
    }

    fn postcode(&mut self, local_authority: &str) -> String {
        let outward = if local_authority == "Peterborough" {
            format!("PE{}", self.rng.pick(PBORO_PE))
        } else if self.rng.chance(75) {
            format!("CB{}", self.rng.pick(CAMBS_CB))
        } else {
            format!("PE{}", self.rng.pick(CAMBS_PE))
        };
        let digit = self.rng.range(0, 9);
        let a = char::from(self.rng.pick(INWARD_LETTERS));
        let b = char::from(self.rng.pick(INWARD_LETTERS));
        format!("{outward} {digit}{a}{b}")
    }

    fn person(&mut self, course: Course, band: (i64, i64)) -> Planned {
        let sex = self.rng.weighted(&[
            ("male", 62),
            ("female", 33),
            ("indeterminate", 2),
            ("not_known", 3),
        ]);
        let (given, family) = loop {
            let given = match sex {
                "male" => self.male.take(MALE),
                "female" => self.female.take(FEMALE),
                _ => self.unisex.take(UNISEX),
            };
            let family = self.rng.pick(FAMILY);
            if self.names.insert((given.into(), family.into())) {
                break (given, family);
            }
        };
        let nhs = self.nhs_number();
        let born = self.date_of_birth(band);
        let age = age_on(born, self.today).unwrap_or(0);
        let child = age < 18;
        let local_authority = if self.rng.chance(55) {
            "Cambridgeshire"
        } else {
            "Peterborough"
        };
        let postcode = self.postcode(local_authority);
        let (learning_disability, autism) =
            self.rng
                .weighted(&[((true, false), 30), ((false, true), 35), ((true, true), 35)]);
        let setting = if child {
            self.rng.weighted(&[
                ("family_home", 45),
                ("residential_school", 20),
                ("foster_care", 12),
                ("residential_care", 12),
                ("other", 5),
            ])
        } else {
            self.rng.weighted(&[
                ("supported_living", 35),
                ("residential_care", 25),
                ("family_home", 30),
                ("other", 10),
            ])
        };
        let ehcp = age < 26 && self.rng.chance(if child { 70 } else { 45 });
        let social_worker = self
            .rng
            .chance(if child { 80 } else { 55 })
            .then(|| self.rng.pick(SOCIAL_WORKERS).to_string());
        let keyworker = self
            .rng
            .chance(55)
            .then(|| self.rng.pick(KEYWORKERS).to_string());

        let (consent_ago, steps) = self.history(course, born);
        let consent_on = self.days_ago(consent_ago);
        let consent = self.consent(born, consent_on, family, setting, local_authority);
        Planned {
            input: NewPerson {
                nhs_number: Some(nhs.digits().to_string()),
                given_name: Some(given.into()),
                family_name: Some(family.into()),
                date_of_birth: Some(born.to_string()),
                sex: Some(sex.into()),
                postcode: Some(postcode),
                local_authority: Some(local_authority.into()),
                learning_disability: Some(learning_disability),
                autism: Some(autism),
                ehcp: Some(ehcp),
                setting: Some(setting.into()),
                social_worker,
                social_worker_from: None,
                keyworker,
                registered_on: None,
                consent: Some(consent),
            },
            steps,
        }
    }

    /// A consent valid for the person's age on `on`.
    fn consent(
        &mut self,
        born: Date,
        on: Date,
        family: &str,
        setting: &str,
        local_authority: &str,
    ) -> ConsentInput {
        let age = age_on(born, on).unwrap_or(0);
        let mut c = ConsentInput {
            recorded_on: Some(on.to_string()),
            ..Default::default()
        };
        if age < 16 {
            if age >= 12 && self.rng.chance(20) {
                c.basis = Some("self".into());
                c.gillick_competent = Some(true);
            } else if setting == "foster_care" || setting == "residential_care" {
                c.basis = Some("parental".into());
                c.given_by = Some(match local_authority {
                    "Peterborough" => "Peterborough City Council".into(),
                    _ => "Cambridgeshire County Council".into(),
                });
                c.relationship = Some("local authority (care order)".into());
            } else {
                c.basis = Some("parental".into());
                let (parent, relationship) = self.rng.weighted(&[
                    ((MOTHERS, "mother"), 55),
                    ((FATHERS, "father"), 25),
                    ((MOTHERS, "adoptive mother"), 8),
                    ((MOTHERS, "special guardian (grandmother)"), 12),
                ]);
                c.given_by = Some(format!("{} {family}", self.rng.pick(parent)));
                c.relationship = Some(relationship.into());
            }
        } else if self.rng.chance(35) {
            // Lacks capacity to consent: assessed, then a best-interests meeting, both before.
            let sixteenth = self.sixteenth_birthday(born);
            let mut assessed = on - Duration::days(self.rng.range(5, 40));
            if assessed < sixteenth {
                assessed = on;
            }
            let gap = (on - assessed).whole_days();
            let decided = assessed + Duration::days(self.rng.range(0, gap));
            c.basis = Some("best_interests".into());
            c.capacity_assessed_on = Some(assessed.to_string());
            c.best_interests_decision_on = Some(decided.to_string());
        } else {
            c.basis = Some("self".into());
        }
        c
    }

    fn sixteenth_birthday(&self, born: Date) -> Date {
        // 29 February birthdays fall on 1 March in a common year (as `age_on` counts them).
        Date::from_calendar_date(born.year() + 16, born.month(), born.day())
            .unwrap_or_else(|_| born + Duration::days(16 * 365 + 4))
    }

    /// How many days ago consent was given, and the history after it, in date order.
    fn history(&mut self, course: Course, born: Date) -> (i64, Vec<Step>) {
        let mut steps = Vec::new();
        match course {
            Course::Community => {
                let consent_ago = self.rng.range(1, 700);
                let count = if consent_ago <= 14 && self.rng.chance(50) {
                    0 // recently added, awaiting a first assessment
                } else {
                    self.rng.weighted(&[(1, 35), (2, 35), (3, 30)])
                };
                let mut level = self.rng.weighted(&[(GREEN, 35), (AMBER, 40), (RED, 25)]);
                let mut ago = consent_ago - self.rng.range(0, 21.min(consent_ago));
                for _ in 0..count {
                    let step = self.assessment(self.days_ago(ago), level, born, true);
                    steps.push(step);
                    level = (level + self.rng.range(-1, 1)).clamp(GREEN, RED);
                    ago -= self.rng.range(28, 120);
                    if ago < 0 {
                        break;
                    }
                }
                (consent_ago, steps)
            }
            Course::InHospital { visited } => {
                let admitted_ago = if visited {
                    self.rng.range(30, 240)
                } else {
                    self.rng.range(2, 240)
                };
                let last = if self.rng.chance(85) { RED } else { AMBER };
                let consent_ago = self.before_admission(&mut steps, admitted_ago, last, born);
                let admitted_on = self.days_ago(admitted_ago);
                steps.push(self.admission(admitted_on, born));
                if visited {
                    let ago = self.rng.range(0, admitted_ago - 14);
                    let on = self.days_ago(ago);
                    let visitor = self.rng.pick(VISITORS);
                    steps.push(Step::Visit { on, visitor });
                }
                (consent_ago, steps)
            }
            Course::Discharged => {
                // Discharged long enough ago for the post-discharge red window to have ended.
                let earliest = 20.max(self.red_days + 1);
                let discharged_ago = self.rng.range(earliest, earliest.max(200));
                let admitted_ago = discharged_ago + self.rng.range(10, 150);
                let consent_ago = self.before_admission(&mut steps, admitted_ago, RED, born);
                steps.push(self.admission(self.days_ago(admitted_ago), born));
                steps.push(Step::Discharge {
                    on: self.days_ago(discharged_ago),
                    destination: self.rng.pick(DESTINATIONS),
                });
                if self.rng.chance(75) {
                    // First reassessment once the red window is over.
                    let ago = self.rng.range(0, discharged_ago - self.red_days - 1);
                    let level = self.rng.weighted(&[(GREEN, 35), (AMBER, 45), (RED, 20)]);
                    steps.push(self.assessment(self.days_ago(ago), level, born, false));
                }
                (consent_ago, steps)
            }
        }
    }

    /// One to three assessments leading up to an admission `admitted_ago` days ago, the last at
    /// `last`; returns how many days ago consent was given (on or before the first).
    fn before_admission(
        &mut self,
        steps: &mut Vec<Step>,
        admitted_ago: i64,
        last: Level,
        born: Date,
    ) -> i64 {
        let count = self.rng.weighted(&[(1, 30), (2, 40), (3, 30)]);
        let mut agos = vec![admitted_ago + self.rng.range(1, 45)];
        for _ in 1..count {
            let previous = agos[agos.len() - 1];
            agos.push(previous + self.rng.range(28, 120));
        }
        agos.reverse();
        let mut level = (last - self.rng.range(0, count as i64 - 1)).max(GREEN);
        for ago in &agos {
            let on = self.days_ago(*ago);
            let is_last = *ago == agos[agos.len() - 1];
            let target = if is_last { last } else { level };
            let step = self.assessment(on, target, born, !is_last);
            steps.push(step);
            level = (level + 1).min(last);
        }
        agos[0] + self.rng.range(0, 30)
    }

    fn admission(&mut self, on: Date, born: Date) -> Step {
        let child = age_on(born, on).is_some_and(|a| a < 18);
        let choices: Vec<&Hospital> = HOSPITALS.iter().filter(|h| h.children == child).collect();
        // Most adults go to the local units; Rampton (high secure) is rare.
        let hospital = loop {
            let h = self.rng.pick(&choices);
            if h.name != "Rampton Hospital" || self.rng.chance(20) {
                break h;
            }
        };
        let security_level = self.rng.pick(hospital.security);
        let legal_status = match security_level {
            "high" | "medium" => self.rng.weighted(&[("section_3", 70), ("other", 30)]),
            "low" => self.rng.weighted(&[("section_3", 75), ("section_2", 25)]),
            _ => self
                .rng
                .weighted(&[("informal", 25), ("section_2", 40), ("section_3", 35)]),
        };
        let planned_discharge_on = self
            .rng
            .chance(60)
            .then(|| on + Duration::days(self.rng.range(28, 180)));
        Step::Admit {
            on,
            hospital: hospital.name,
            security_level,
            legal_status,
            planned_discharge_on,
        }
    }

    /// An assessment on `on` whose answers suggest `level`; now and then (when `may_override`)
    /// the commissioner confirms a neighbouring rating instead, with a reason.
    fn assessment(&mut self, on: Date, level: Level, born: Date, may_override: bool) -> Step {
        let age = age_on(born, on).unwrap_or(0);
        let answers = self.answers(level, age);
        let (rating, reason) = if may_override && self.rng.chance(10) {
            let up = match level {
                GREEN => true,
                RED => false,
                _ => self.rng.chance(50),
            };
            if up {
                (Some(rating_of(level + 1)), Some(self.rng.pick(OVERRIDE_UP)))
            } else {
                (
                    Some(rating_of(level - 1)),
                    Some(self.rng.pick(OVERRIDE_DOWN)),
                )
            }
        } else {
            (None, None)
        };
        Step::Assess {
            on,
            answers,
            rating,
            reason,
        }
    }

    /// Answers to every question of the tool whose score suggests `level` for someone of `age`.
    fn answers(&mut self, level: Level, age: u32) -> BTreeMap<String, bool> {
        let t = self.tool.thresholds;
        let total: u32 = self.tool.questions.iter().map(|q| q.weight).sum();
        let (lo, hi) = match level {
            GREEN => (0, t.amber.saturating_sub(1)),
            AMBER => (t.amber, t.red.saturating_sub(1)),
            _ => (t.red, total.min(t.red + 8)),
        };
        let want = rating_of(level);
        let mut answers = BTreeMap::new();
        for _ in 0..100 {
            let goal = self.rng.range(i64::from(lo), i64::from(hi)) as u32;
            let mut order: Vec<usize> = (0..self.tool.questions.len()).collect();
            self.rng.shuffle(&mut order);
            answers = self
                .tool
                .questions
                .iter()
                .map(|q| (q.id.clone(), false))
                .collect();
            let mut score = 0;
            for i in order {
                let q = &self.tool.questions[i];
                if score + q.weight <= goal {
                    score += q.weight;
                    answers.insert(q.id.clone(), true);
                }
            }
            if self
                .tool
                .score(&answers, age)
                .is_ok_and(|s| s.suggested == want)
            {
                break;
            }
        }
        answers
    }
}

fn rating_of(level: Level) -> Rating {
    match level {
        GREEN => Rating::Green,
        AMBER => Rating::Amber,
        _ => Rating::Red,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::Arc;

    /// Removes the test database (and SQLite's side files) however the test ends.
    struct TempDb(PathBuf);

    impl Drop for TempDb {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut p = self.0.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
    }

    #[rocket::async_test]
    async fn seeds_an_empty_register_once_through_the_services() {
        let path = std::env::temp_dir().join(format!(
            "tcr-demo-test-{}.db",
            uuid::Uuid::new_v4().simple()
        ));
        let _cleanup = TempDb(path.clone());
        let settings = crate::config::Settings {
            database_url: format!("sqlite://{}?mode=rwc", path.display()),
            policies_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies"),
            ..Default::default()
        };
        let app = crate::prepare(settings, Arc::new(crate::clock::SystemClock))
            .await
            .expect("prepare");

        let created = seed(&app).await.expect("seed");
        assert!((55..=65).contains(&created), "created {created}");
        let rows = person::Entity::find().all(&app.db).await.expect("people");
        assert_eq!(rows.len(), created);
        assert!(rows.iter().all(|p| p.nhs_number.starts_with("999")));
        let distinct: HashSet<&str> = rows.iter().map(|p| p.nhs_number.as_str()).collect();
        assert_eq!(distinct.len(), rows.len(), "NHS numbers are unique");

        assert_eq!(seed(&app).await.expect("second seed"), 0);
        let chain = crate::services::audit::verify_chain(&app.db)
            .await
            .expect("verify");
        assert!(chain.ok, "audit chain: {:?}", chain.problem);
    }
}
