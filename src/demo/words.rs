//! The demo register's vocabularies: invented but plausible names, social workers and
//! keyworkers, visitors, discharge destinations, postcode areas, hospitals and the reasons for
//! overriding the risk tool. The benchmark's synthetic register draws on them too.

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
/// Where children live, with the weight of each.
pub(crate) const CHILD_SETTINGS: &[(&str, u64)] = &[
    ("family_home", 45),
    ("residential_school", 20),
    ("foster_care", 12),
    ("residential_care", 12),
    ("other", 5),
];
/// Where adults live, with the weight of each.
pub(crate) const ADULT_SETTINGS: &[(&str, u64)] = &[
    ("supported_living", 35),
    ("residential_care", 25),
    ("family_home", 30),
    ("other", 10),
];
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
