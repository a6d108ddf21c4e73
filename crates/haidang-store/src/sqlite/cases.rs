//! SQLite side of citizen reports.

use haidang_core::audit::AuditEvent;
use haidang_core::calendar::{CalendarDay, WorkCalendar};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use super::SqliteStore;
use super::identity::append_audit_tx;
use crate::StoreError;
use crate::cases::{
    CASE_COLUMNS, CaseCategory, CaseChange, CaseEventRecord, CaseFilter, CaseRecord, MediaInfo, NewCase, NewMedia,
    SqlValue, calendar_from_rows, category_attributes, parse_json_column, parse_state, where_clause,
};

impl SqliteStore {
    pub async fn upsert_case_categories(&self, categories: Vec<CaseCategory>) -> Result<(), StoreError> {
        self.write(move |tx| {
            for c in &categories {
                let attributes = serde_json::to_string(&c.attributes).unwrap_or_else(|_| "[]".to_owned());
                tx.execute(
                    "INSERT INTO case_categories (code, name, name_en, description, group_name, keywords, agency_key,
                         working_days, attributes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
                         description = excluded.description, group_name = excluded.group_name,
                         keywords = excluded.keywords, agency_key = excluded.agency_key,
                         working_days = excluded.working_days, attributes = excluded.attributes",
                    params![
                        c.code,
                        c.name,
                        c.name_en,
                        c.description,
                        c.group,
                        c.keywords.join(","),
                        c.agency_key,
                        c.working_days,
                        attributes
                    ],
                )?;
            }
            Ok(())
        })
        .await
    }

    pub async fn case_categories(&self) -> Result<Vec<CaseCategory>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare(
                "SELECT code, name, name_en, description, group_name, keywords, agency_key, working_days, attributes
                 FROM case_categories ORDER BY group_name, code",
            )?;
            let rows = statement
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, u32>(7)?,
                        r.get::<_, String>(8)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(
                    |(code, name, name_en, description, group, keywords, agency_key, working_days, attributes)| {
                        Ok(CaseCategory {
                            code,
                            name,
                            name_en,
                            description,
                            group,
                            keywords: keywords
                                .split(',')
                                .filter(|k| !k.is_empty())
                                .map(str::to_owned)
                                .collect(),
                            agency_key,
                            working_days,
                            attributes: category_attributes(&attributes)?,
                        })
                    },
                )
                .collect()
        })
        .await
    }

    pub async fn replace_work_calendar(&self, days: Vec<CalendarDay>) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute("DELETE FROM work_calendar", [])?;
            for day in &days {
                tx.execute(
                    "INSERT INTO work_calendar (day, kind, name) VALUES (?1, ?2, ?3)",
                    params![day.date.format("%Y-%m-%d").to_string(), day.kind.as_str(), day.name],
                )?;
            }
            Ok(())
        })
        .await
    }

    pub async fn work_calendar(&self) -> Result<WorkCalendar, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare("SELECT day, kind, name FROM work_calendar")?;
            let rows = statement
                .query_map([], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            calendar_from_rows(rows)
        })
        .await
    }

    pub async fn create_case(
        &self,
        case: NewCase,
        actor: (String, String, String),
        media: Vec<NewMedia>,
        audit: AuditEvent,
    ) -> Result<CaseRecord, StoreError> {
        self.write(move |tx| {
            let id: i64 = tx.query_row(
                "INSERT INTO cases (token, category_code, state, channel, description, lat, lon, address, unit_code,
                     agency_key, reporter_name, reporter_phone, reporter_email, attributes, media_url, received_at,
                     original_deadline, deadline, updated_at, simulated)
                 VALUES (?1, ?2, 'received', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?15, ?17)
                 RETURNING id",
                params![
                    case.token,
                    case.category_code,
                    case.channel,
                    case.description,
                    case.lat,
                    case.lon,
                    case.address,
                    case.unit_code,
                    case.agency_key,
                    case.reporter_name,
                    case.reporter_phone,
                    case.reporter_email,
                    case.attributes.to_string(),
                    case.media_url,
                    case.received_at,
                    case.deadline,
                    case.simulated
                ],
                |r| r.get(0),
            )?;
            insert_event(
                tx,
                id,
                case.received_at,
                "receive",
                None,
                "received",
                &actor,
                None,
                &serde_json::json!({ "channel": case.channel }),
            )?;
            for item in &media {
                insert_media(tx, id, item, case.received_at)?;
            }
            let mut audit = audit;
            audit.object = Some(format!("case:{id}"));
            append_audit_tx(tx, &audit)?;
            tx.query_row(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?1"), [id], case_from_row)?
        })
        .await
    }

    pub async fn case_by_token(&self, token: String) -> Result<Option<CaseRecord>, StoreError> {
        self.read(move |c| {
            c.query_row(
                &format!("SELECT {CASE_COLUMNS} FROM cases WHERE token = ?1"),
                [&token],
                case_from_row,
            )
            .optional()?
            .transpose()
        })
        .await
    }

    pub async fn cases(&self, filter: CaseFilter) -> Result<Vec<CaseRecord>, StoreError> {
        self.read(move |c| {
            let (clause, values) = where_clause(&filter, |n| format!("?{n}"));
            let limit = values.len() + 1;
            let sql = format!(
                "SELECT {CASE_COLUMNS} FROM cases {clause} ORDER BY received_at DESC, id DESC LIMIT ?{limit} OFFSET ?{}",
                limit + 1
            );
            let mut bound: Vec<Value> = values.into_iter().map(to_value).collect();
            bound.push(Value::Integer(if filter.limit > 0 { filter.limit } else { 1000 }));
            bound.push(Value::Integer(filter.offset.max(0)));
            let mut statement = c.prepare(&sql)?;
            let rows = statement
                .query_map(params_from_iter(bound), case_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().collect()
        })
        .await
    }

    pub async fn case_events(&self, case_id: i64) -> Result<Vec<CaseEventRecord>, StoreError> {
        self.read(move |c| {
            let mut statement = c.prepare(
                "SELECT id, case_id, at, kind, from_state, to_state, actor, actor_name, party, note, detail
                 FROM case_events WHERE case_id = ?1 ORDER BY id",
            )?;
            let rows = statement
                .query_map([case_id], |r| {
                    Ok((
                        CaseEventRecord {
                            id: r.get(0)?,
                            case_id: r.get(1)?,
                            at: r.get(2)?,
                            kind: r.get(3)?,
                            from_state: r.get(4)?,
                            to_state: r.get(5)?,
                            actor: r.get(6)?,
                            actor_name: r.get(7)?,
                            party: r.get(8)?,
                            note: r.get(9)?,
                            detail: serde_json::Value::Null,
                        },
                        r.get::<_, String>(10)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(mut event, detail)| {
                    event.detail = parse_json_column(&detail, "detail")?;
                    Ok(event)
                })
                .collect()
        })
        .await
    }

    pub async fn change_case(
        &self,
        id: i64,
        change: CaseChange,
        audit: Option<AuditEvent>,
    ) -> Result<Option<CaseRecord>, StoreError> {
        self.write(move |tx| {
            let current: Option<String> = tx
                .query_row("SELECT state FROM cases WHERE id = ?1", [id], |r| r.get(0))
                .optional()?;
            let Some(current) = current else { return Ok(None) };
            if current != change.from.as_str() {
                return Err(StoreError::Conflict {
                    what: "case state",
                    key: current,
                });
            }
            tx.execute(
                "UPDATE cases SET state = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, change.to.as_str(), change.at],
            )?;
            if let Some(agency) = &change.agency_key {
                tx.execute("UPDATE cases SET agency_key = ?2 WHERE id = ?1", params![id, agency])?;
            }
            if let Some(unit) = &change.unit_code {
                tx.execute("UPDATE cases SET unit_code = ?2 WHERE id = ?1", params![id, unit])?;
            }
            if let Some(answer) = &change.answer {
                tx.execute("UPDATE cases SET answer = ?2 WHERE id = ?1", params![id, answer])?;
            }
            if let Some(note) = &change.status_note {
                tx.execute("UPDATE cases SET status_note = ?2 WHERE id = ?1", params![id, note])?;
            }
            if let Some(deadline) = change.deadline {
                tx.execute("UPDATE cases SET deadline = ?2 WHERE id = ?1", params![id, deadline])?;
            }
            if let Some(deadline) = change.original_deadline {
                tx.execute(
                    "UPDATE cases SET original_deadline = ?2 WHERE id = ?1",
                    params![id, deadline],
                )?;
            }
            if let Some(approved) = change.extension_approved {
                tx.execute(
                    "UPDATE cases SET extension_approved = ?2 WHERE id = ?1",
                    params![id, approved],
                )?;
            }
            if let Some(resolved_at) = change.resolved_at {
                tx.execute(
                    "UPDATE cases SET resolved_at = ?2 WHERE id = ?1",
                    params![id, resolved_at],
                )?;
            }
            if let Some(rating) = change.rating {
                tx.execute("UPDATE cases SET rating = ?2 WHERE id = ?1", params![id, rating])?;
            }
            if let Some(target) = change.merged_into {
                tx.execute("UPDATE cases SET merged_into = ?2 WHERE id = ?1", params![id, target])?;
            }
            for item in &change.media {
                insert_media(tx, id, item, change.at)?;
            }
            let actor = (change.actor.clone(), change.actor_name.clone(), change.party.clone());
            insert_event(
                tx,
                id,
                change.at,
                &change.kind,
                Some(change.from.as_str()),
                change.to.as_str(),
                &actor,
                change.note.as_deref(),
                &change.detail,
            )?;
            if let Some(audit) = &audit {
                append_audit_tx(tx, audit)?;
            }
            let record = tx.query_row(
                &format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?1"),
                [id],
                case_from_row,
            )?;
            record.map(Some)
        })
        .await
    }

    pub async fn add_case_media(
        &self,
        case_id: i64,
        media: NewMedia,
        at: i64,
        audit: AuditEvent,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            insert_media(tx, case_id, &media, at)?;
            append_audit_tx(tx, &audit)?;
            Ok(())
        })
        .await
    }

    pub async fn case_media(&self, case_id: i64) -> Result<Vec<MediaInfo>, StoreError> {
        self.read(move |c| {
            let mut statement = c.prepare(
                "SELECT id, case_id, purpose, content_type, size, created_at FROM case_media
                 WHERE case_id = ?1 ORDER BY created_at, id",
            )?;
            let rows = statement
                .query_map([case_id], media_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn media(&self, id: String) -> Result<Option<(MediaInfo, Vec<u8>)>, StoreError> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT id, case_id, purpose, content_type, size, created_at, bytes FROM case_media WHERE id = ?1",
                [&id],
                |r| Ok((media_from_row(r)?, r.get::<_, Vec<u8>>(6)?)),
            )
            .optional()?)
        })
        .await
    }
}

fn to_value(value: SqlValue) -> Value {
    match value {
        SqlValue::Text(text) => Value::Text(text),
        SqlValue::Int(n) => Value::Integer(n),
    }
}

#[allow(clippy::too_many_arguments)]
fn insert_event(
    c: &Connection,
    case_id: i64,
    at: i64,
    kind: &str,
    from: Option<&str>,
    to: &str,
    actor: &(String, String, String),
    note: Option<&str>,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO case_events (case_id, at, kind, from_state, to_state, actor, actor_name, party, note, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            case_id,
            at,
            kind,
            from,
            to,
            actor.0,
            actor.1,
            actor.2,
            note,
            detail.to_string()
        ],
    )?;
    Ok(())
}

fn insert_media(c: &Connection, case_id: i64, media: &NewMedia, at: i64) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO case_media (id, case_id, purpose, content_type, size, bytes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            media.id,
            case_id,
            media.purpose,
            media.content_type,
            media.bytes.len() as i64,
            media.bytes,
            at
        ],
    )?;
    Ok(())
}

fn media_from_row(r: &Row<'_>) -> rusqlite::Result<MediaInfo> {
    Ok(MediaInfo {
        id: r.get(0)?,
        case_id: r.get(1)?,
        purpose: r.get(2)?,
        content_type: r.get(3)?,
        size: r.get(4)?,
        created_at: r.get(5)?,
    })
}

/// Reads a case row; the outer error is SQLite's, the inner one a corrupt stored value.
fn case_from_row(r: &Row<'_>) -> rusqlite::Result<Result<CaseRecord, StoreError>> {
    let state: String = r.get(3)?;
    let attributes: String = r.get(14)?;
    let record = CaseRecord {
        id: r.get(0)?,
        token: r.get(1)?,
        category_code: r.get(2)?,
        state: haidang_core::cases::CaseState::Received,
        channel: r.get(4)?,
        description: r.get(5)?,
        lat: r.get(6)?,
        lon: r.get(7)?,
        address: r.get(8)?,
        unit_code: r.get(9)?,
        agency_key: r.get(10)?,
        reporter_name: r.get(11)?,
        reporter_phone: r.get(12)?,
        reporter_email: r.get(13)?,
        attributes: serde_json::Value::Null,
        media_url: r.get(15)?,
        answer: r.get(16)?,
        status_note: r.get(17)?,
        merged_into: r.get(18)?,
        rating: r.get(19)?,
        received_at: r.get(20)?,
        original_deadline: r.get(21)?,
        deadline: r.get(22)?,
        extension_approved: r.get(23)?,
        resolved_at: r.get(24)?,
        updated_at: r.get(25)?,
        simulated: r.get(26)?,
    };
    Ok((|| {
        let mut record = record;
        record.state = parse_state(&state)?;
        record.attributes = parse_json_column(&attributes, "attributes")?;
        Ok(record)
    })())
}
