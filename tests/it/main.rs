//! Integration tests: the real Rocket, its routes, guards, catchers and database, through the
//! local client, one fresh database per test.

mod access;
mod audit;
mod cli;
mod correction_pages;
mod corrections;
mod dashboard;
mod date_inputs;
mod deadlines;
mod diary;
mod errors;
mod input;
mod kept;
mod load;
mod openapi;
mod pages;
mod panels;
mod past_register;
mod projection;
mod referral_pages;
mod referrals;
mod register;
mod register_pages;
mod returns;
mod returns_oracle;
mod review_moves;
mod review_pages;
mod reviews;
mod search;
mod session;
mod session_clock;
mod signin;
mod support;
mod valid_time;
mod withdrawal;
mod worklists;
