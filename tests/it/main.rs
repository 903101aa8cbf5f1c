//! Integration tests: the real Rocket, its routes, guards, catchers and database, through the
//! local client, one fresh database per test.

mod access;
mod audit;
mod cli;
mod dashboard;
mod deadlines;
mod errors;
mod input;
mod openapi;
mod pages;
mod referral_pages;
mod referrals;
mod register;
mod register_pages;
mod returns;
mod review_pages;
mod reviews;
mod search;
mod session;
mod signin;
mod support;
mod valid_time;
mod withdrawal;
mod worklists;
