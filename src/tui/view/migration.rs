//! The migration dialog: where the marked archives go in S3 (bucket, prefix,
//! storage class, tier, whether another region will do), then what `defrost
//! migrate` shows before paying: what the bucket holds already, the jobs to
//! start and each tier's cost, the storage's monthly cost at the class, the
//! retrieval policy and the pace. A refusal is one line, with its fix.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::batch::{archives, caveat_lines, policy_line, tier_lines};
use super::centered;
use super::dialogs::dialog_block;
use super::format::{size, size_u128};
use crate::domain::cost::format_cost;
use crate::domain::job_params::Tier;
use crate::domain::migrate::StorageClass;
use crate::text::printable;
use crate::tracking::migrate::InBucket;
use crate::tui::context::{Context, key_label};
use crate::tui::keymap::Action;
use crate::tui::marks::grouped;
use crate::tui::migration::{Field, Migrating, MigrationDialog, MigrationStage};
use crate::tui::model::Model;

pub fn dialog(frame: &mut Frame, model: &Model, dialog: &MigrationDialog, screen: Rect) {
    let theme = &model.config.theme;
    let mut lines = vec![Line::from(format!(
        "{} marked, {}, of vault {}",
        archives(dialog.positions.len() as u64),
        size_u128(dialog.marked_bytes),
        printable(&dialog.vault.name)
    ))];
    if let Some(url) = &model.session.s3_endpoint_url {
        lines.push(Line::from(Span::styled(
            format!("S3 at {}, not AWS", printable(url)),
            theme.text(theme.muted),
        )));
    }
    lines.push(Line::from(""));
    // The summary repeats what the fields say (bucket, prefix, class, tier):
    // on a short screen its last question must not be pushed off.
    if !matches!(dialog.stage, MigrationStage::Ready(_)) {
        lines.extend(field_lines(model, dialog));
        lines.push(Line::from(""));
    }
    let keys = &model.config.keymap;
    match &dialog.stage {
        MigrationStage::Choosing => lines.push(match &dialog.refusal {
            Some(refusal) => Line::from(Span::styled(
                printable(refusal),
                theme.marked(theme.bad, Modifier::BOLD),
            )),
            None => Line::from(Span::styled(
                format!(
                    "Each archive becomes an object under its decoded path inside the prefix. {} moves between the fields, {} changes the one chosen; {} shows what the copy would do and cost, before anything is paid.",
                    key_label(model, Action::NextPane),
                    keys.label_in(Context::MigrationChoice, Action::Down),
                    key_label(model, Action::Open)
                ),
                theme.text(theme.muted),
            )),
        }),
        MigrationStage::Preparing(_) => lines.push(Line::from(Span::styled(
            "asking the cache, Glacier and the bucket what the copy would do…",
            theme.text(theme.muted),
        ))),
        MigrationStage::Ready(migrating) => lines.extend(summary_lines(model, dialog, migrating)),
    }
    // Long lines (a refusal, the hint) wrap: the box grows to hold them.
    let inner = usize::from(screen.width.min(100).saturating_sub(2)).max(1);
    let rows: usize = (lines.iter())
        .map(|line| line.width().div_ceil(inner).max(1))
        .sum();
    let height = u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2);
    let area = centered(screen, 100, height.min(screen.height));
    frame.render_widget(Clear, area);
    let block = dialog_block(model, " Copy the marked archives to S3 ".to_owned());
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// A line per field, the chosen one lit while the fields can change, with
/// what its value means for the fields that are chosen rather than typed.
fn field_lines<'a>(model: &Model, dialog: &MigrationDialog) -> Vec<Line<'a>> {
    let theme = &model.config.theme;
    let choosing = dialog.stage == MigrationStage::Choosing;
    let across = if dialog.across_regions { "yes" } else { "no" };
    let fields = [
        (Field::Bucket, "bucket", printable(&dialog.bucket)),
        (Field::Prefix, "prefix", printable(&dialog.prefix)),
        (
            Field::StorageClass,
            "storage class",
            dialog.storage_class.to_string(),
        ),
        (Field::Tier, "tier", dialog.tier.to_string()),
        (Field::AcrossRegions, "across regions", across.to_owned()),
    ];
    fields
        .into_iter()
        .map(|(field, label, value)| {
            let chosen = choosing && field == dialog.field;
            let cursor = if chosen && field.takes_typing() {
                "▏"
            } else {
                ""
            };
            let mut spans = vec![
                Span::styled(
                    format!("{} {label:<16}", if chosen { "▶" } else { " " }),
                    theme.text(theme.accent),
                ),
                Span::styled(
                    format!("{value}{cursor}"),
                    if chosen {
                        theme.selection()
                    } else {
                        ratatui::style::Style::default()
                    },
                ),
            ];
            if chosen && !field.takes_typing() {
                spans.push(Span::styled(
                    format!("  {}", meaning(dialog, field)),
                    theme.text(theme.muted),
                ));
            }
            Line::from(spans)
        })
        .collect()
}

/// What a chosen value means, for someone choosing it the first time.
fn meaning(dialog: &MigrationDialog, field: Field) -> &'static str {
    match field {
        Field::StorageClass => match dialog.storage_class {
            StorageClass::DeepArchive => {
                "cheapest to keep; a read waits for a restore of up to 48 h"
            }
            StorageClass::Glacier => "a read waits for a restore of minutes to hours",
            StorageClass::GlacierIr => "read at once; billed for 90 days at least",
            StorageClass::StandardIa => "read at once; billed for 30 days at least",
            StorageClass::Standard => "read at once; dearest to keep",
        },
        Field::Tier => match dialog.tier {
            Tier::Bulk => "retrieval in 5-12 h, cheapest",
            Tier::Standard => "retrieval in 3-5 h",
            Tier::Expedited => "retrieval in 1-5 min, dearest",
        },
        Field::AcrossRegions if dialog.across_regions => {
            "a bucket in another region is taken: the copy is paid by the byte"
        }
        Field::AcrossRegions => "a bucket in another region than the vault is refused",
        Field::Bucket | Field::Prefix => "",
    }
}

/// The summary, one fact a line, and the last question.
fn summary_lines<'a>(
    model: &Model,
    dialog: &MigrationDialog,
    migrating: &Migrating,
) -> Vec<Line<'a>> {
    let theme = &model.config.theme;
    let prepared = &migrating.prepared;
    let s = &prepared.batch.summary;
    let target = &prepared.target;
    let copied = (prepared.in_bucket.iter())
        .filter(|held| matches!(held, InBucket::Same { .. }))
        .count();
    let conflicts = migrating.conflicts();
    let mut lines = vec![
        Line::from(format!(
            "into s3://{}/{} ({}, bucket in {})",
            printable(&target.bucket),
            printable(&target.prefix),
            printable(&target.storage_class),
            printable(&target.region)
        )),
        Line::from(format!(
            "in the bucket already: {} copied (not paid again); {} keys hold another archive",
            grouped(copied as u64),
            grouped(conflicts as u64)
        )),
    ];
    if s.reusable.archives > 0 {
        lines.push(Line::from(format!(
            "{} ({}) with a job running or ready: not paid again",
            archives(s.reusable.archives),
            size(s.reusable.bytes)
        )));
    }
    lines.push(Line::from(Span::styled(
        format!(
            "{} jobs to start, {}",
            grouped(s.to_start.archives),
            size(s.to_start.bytes)
        ),
        theme.marked(theme.accent, Modifier::BOLD),
    )));
    let storage = &migrating.storage_prices;
    lines.push(Line::from(format!(
        "storage: about {} a month at {}, {} at the least (S3 prices of {})",
        format_cost(prepared.cost.monthly, &storage.currency),
        printable(&target.storage_class),
        format_cost(prepared.cost.minimum, &storage.currency),
        printable(&storage.as_of)
    )));
    lines.extend(tier_lines(model, s, dialog.tier));
    lines.push(policy_line(model, &prepared.batch));
    lines.extend(caveat_lines(model, s, "key"));
    if let Some(topic) = prepared.notices.per_archive_topic() {
        lines.push(Line::from(Span::styled(
            format!(
                "the vault notifies {} of every finished retrieval: about {} messages",
                printable(topic),
                grouped(s.to_start.archives)
            ),
            theme.text(theme.warning),
        )));
    }
    lines.push(Line::from(""));
    let all_there = copied == prepared.keys.len();
    lines.push(last_question(
        model,
        dialog,
        s.to_start.archives,
        conflicts,
        all_there,
    ));
    lines
}

/// What Enter does now, or why it does not start.
fn last_question<'a>(
    model: &Model,
    dialog: &MigrationDialog,
    to_start: u64,
    conflicts: usize,
    all_there: bool,
) -> Line<'a> {
    let theme = &model.config.theme;
    let keys = &model.config.keymap;
    if conflicts > 0 {
        return Line::from(Span::styled(
            format!(
                "objects of other archives are never overwritten from here: {} goes back to choose another prefix",
                keys.label(Action::Back)
            ),
            theme.marked(theme.bad, Modifier::BOLD),
        ));
    }
    let (open, back) = (keys.label(Action::Open), keys.label(Action::Back));
    let text = if all_there {
        format!(
            "every archive is in the bucket already: {open} records them as copied, nothing paid · {back} goes back"
        )
    } else if to_start == 0 {
        format!(
            "no job to start: {open} copies each output into the bucket as it is ready · {back} goes back"
        )
    } else {
        format!(
            "{open} starts {} jobs at {} and copies each output into the bucket as it is ready · {back} goes back",
            grouped(to_start),
            dialog.tier,
        )
    };
    Line::from(Span::styled(
        text,
        theme.marked(theme.warning, Modifier::BOLD),
    ))
}
