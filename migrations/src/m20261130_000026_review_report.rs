//! What a held review records besides its findings, and what its report sending keeps:
//! - `enquiry_version`, `enquiry_lines`: the key lines of enquiry it was held under (the
//!   policy's version, and its lines as JSON `[{"key","question","easy"}]`), so its report
//!   reads as written whatever the policy file says later. Reviews held before the policy file
//!   are given the six lines they were held under, as version `2026-1`.
//! - `attendance` (JSON `{"panel":[seat…],"others":[{"role","name"}]}`), `person_views`,
//!   `family_views`, and `easy_words` ("what we agreed, in easy words", for the easy-read
//!   report).
//! - `report_sent_to` (JSON list of recipients), `report_sent_by` (how), and the SHA-256 of
//!   the report and of its easy-read version as they were when it was recorded as sent.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Reviews {
    Table,
    Status,
    EnquiryVersion,
    EnquiryLines,
    Attendance,
    PersonViews,
    FamilyViews,
    EasyWords,
    ReportSentTo,
    ReportSentBy,
    ReportSha256,
    EasyReadSha256,
}

const COLUMNS: [Reviews; 10] = [
    Reviews::EnquiryVersion,
    Reviews::EnquiryLines,
    Reviews::Attendance,
    Reviews::PersonViews,
    Reviews::FamilyViews,
    Reviews::EasyWords,
    Reviews::ReportSentTo,
    Reviews::ReportSentBy,
    Reviews::ReportSha256,
    Reviews::EasyReadSha256,
];

/// The six lines every review was held under before the policy file.
const FIRST_LINES: &str = r#"[{"key":"safe","question":"Is the person safe?","easy":"Are you safe?"},{"key":"current_care","question":"Is the person's current care good?","easy":"Is your care good?"},{"key":"daily_life","question":"What is the person's daily life like?","easy":"What is your day like?"},{"key":"physical_health","question":"Are the person's physical health needs met?","easy":"Are you healthy?"},{"key":"future_plan","question":"Is there a plan for the future?","easy":"What is the plan for your future?"},{"key":"need_for_hospital","question":"Does the person need to be in hospital?","easy":"Do you need to be in hospital?"}]"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one column at a time.
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Reviews::Table)
                        .add_column(text_null(column))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .exec_stmt(
                Query::update()
                    .table(Reviews::Table)
                    .value(Reviews::EnquiryVersion, "2026-1")
                    .value(Reviews::EnquiryLines, FIRST_LINES)
                    .and_where(Expr::col(Reviews::Status).eq("held"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Reviews::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
