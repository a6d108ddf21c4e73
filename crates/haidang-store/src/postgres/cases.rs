//! PostgreSQL side of citizen reports.

use haidang_core::audit::AuditEvent;
use haidang_core::calendar::{CalendarDay, WorkCalendar};
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, PgConnection, Row};

use super::PgStore;
use super::identity::append_audit_tx;
use crate::StoreError;
use crate::cases::{
    CASE_COLUMNS, CaseCategory, CaseChange, CaseEventRecord, CaseFilter, CaseRecord, MediaInfo, NewCase, NewMedia,
    SqlValue, calendar_from_rows, category_attributes, parse_json_column, parse_state, where_clause,
};

impl PgStore {
    pub async fn upsert_case_categories(&self, categories: Vec<CaseCategory>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for c in &categories {
            let attributes = serde_json::to_string(&c.attributes).unwrap_or_else(|_| "[]".to_owned());
            sqlx::query(
                "INSERT INTO case_categories (code, name, name_en, description, group_name, keywords, agency_key,
                     working_days, attributes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
                     description = excluded.description, group_name = excluded.group_name,
                     keywords = excluded.keywords, agency_key = excluded.agency_key,
                     working_days = excluded.working_days, attributes = excluded.attributes",
            )
            .bind(&c.code)
            .bind(&c.name)
            .bind(&c.name_en)
            .bind(&c.description)
            .bind(&c.group)
            .bind(c.keywords.join(","))
            .bind(&c.agency_key)
            .bind(i64::from(c.working_days))
            .bind(attributes)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn case_categories(&self) -> Result<Vec<CaseCategory>, StoreError> {
        let rows = sqlx::query(
            "SELECT code, name, name_en, description, group_name, keywords, agency_key, working_days, attributes
             FROM case_categories ORDER BY group_name, code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let keywords: String = r.try_get(5)?;
                let working_days: i64 = r.try_get(7)?;
                let attributes: String = r.try_get(8)?;
                Ok(CaseCategory {
                    code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    name_en: r.try_get(2)?,
                    description: r.try_get(3)?,
                    group: r.try_get(4)?,
                    keywords: keywords
                        .split(',')
                        .filter(|k| !k.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    agency_key: r.try_get(6)?,
                    working_days: u32::try_from(working_days).unwrap_or(1),
                    attributes: category_attributes(&attributes)?,
                })
            })
            .collect()
    }

    pub async fn replace_work_calendar(&self, days: Vec<CalendarDay>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM work_calendar").execute(&mut *tx).await?;
        for day in &days {
            sqlx::query("INSERT INTO work_calendar (day, kind, name) VALUES ($1, $2, $3)")
                .bind(day.date.format("%Y-%m-%d").to_string())
                .bind(day.kind.as_str())
                .bind(&day.name)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn work_calendar(&self) -> Result<WorkCalendar, StoreError> {
        let rows = sqlx::query("SELECT day, kind, name FROM work_calendar")
            .fetch_all(&self.pool)
            .await?;
        let rows = rows
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        calendar_from_rows(rows)
    }

    pub async fn create_case(
        &self,
        case: NewCase,
        actor: (String, String, String),
        media: Vec<NewMedia>,
        audit: AuditEvent,
    ) -> Result<CaseRecord, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO cases (token, category_code, state, channel, description, lat, lon, address, unit_code,
                 agency_key, reporter_name, reporter_phone, reporter_email, attributes, media_url, received_at,
                 original_deadline, deadline, updated_at, simulated)
             VALUES ($1, $2, 'received', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $15, $17)
             RETURNING id",
        )
        .bind(&case.token)
        .bind(&case.category_code)
        .bind(&case.channel)
        .bind(&case.description)
        .bind(case.lat)
        .bind(case.lon)
        .bind(&case.address)
        .bind(&case.unit_code)
        .bind(&case.agency_key)
        .bind(&case.reporter_name)
        .bind(&case.reporter_phone)
        .bind(&case.reporter_email)
        .bind(case.attributes.to_string())
        .bind(&case.media_url)
        .bind(case.received_at)
        .bind(case.deadline)
        .bind(case.simulated)
        .fetch_one(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            id,
            case.received_at,
            "receive",
            None,
            "received",
            &actor,
            None,
            &serde_json::json!({ "channel": case.channel }),
        )
        .await?;
        for item in &media {
            insert_media(&mut tx, id, item, case.received_at).await?;
        }
        let mut audit = audit;
        audit.object = Some(format!("case:{id}"));
        append_audit_tx(&mut tx, &audit).await?;
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1")))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let record = case_from_row(&row)?;
        tx.commit().await?;
        Ok(record)
    }

    pub async fn case_by_token(&self, token: String) -> Result<Option<CaseRecord>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE token = $1"
        )))
        .bind(token)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(case_from_row).transpose()
    }

    pub async fn cases(&self, filter: CaseFilter) -> Result<Vec<CaseRecord>, StoreError> {
        let (clause, values) = where_clause(&filter, |n| format!("${n}"));
        let limit = values.len() + 1;
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases {clause} ORDER BY received_at DESC, id DESC LIMIT ${limit} OFFSET ${}",
            limit + 1
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for value in values {
            query = match value {
                SqlValue::Text(text) => query.bind(text),
                SqlValue::Int(n) => query.bind(n),
            };
        }
        let rows = query
            .bind(if filter.limit > 0 { filter.limit } else { 1000 })
            .bind(filter.offset.max(0))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(case_from_row).collect()
    }

    pub async fn case_events(&self, case_id: i64) -> Result<Vec<CaseEventRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, case_id, at, kind, from_state, to_state, actor, actor_name, party, note, detail
             FROM case_events WHERE case_id = $1 ORDER BY id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let detail: String = r.try_get(10)?;
                Ok(CaseEventRecord {
                    id: r.try_get(0)?,
                    case_id: r.try_get(1)?,
                    at: r.try_get(2)?,
                    kind: r.try_get(3)?,
                    from_state: r.try_get(4)?,
                    to_state: r.try_get(5)?,
                    actor: r.try_get(6)?,
                    actor_name: r.try_get(7)?,
                    party: r.try_get(8)?,
                    note: r.try_get(9)?,
                    detail: parse_json_column(&detail, "detail")?,
                })
            })
            .collect()
    }

    pub async fn change_case(
        &self,
        id: i64,
        change: CaseChange,
        audit: Option<AuditEvent>,
    ) -> Result<Option<CaseRecord>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let current: Option<String> = sqlx::query_scalar("SELECT state FROM cases WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(current) = current else { return Ok(None) };
        if current != change.from.as_str() {
            return Err(StoreError::Conflict {
                what: "case state",
                key: current,
            });
        }
        sqlx::query(
            "UPDATE cases SET state = $2, updated_at = $3,
                 agency_key = CASE WHEN $4 THEN $5 ELSE agency_key END,
                 unit_code = CASE WHEN $6 THEN $7 ELSE unit_code END,
                 answer = COALESCE($8, answer),
                 status_note = COALESCE($9, status_note),
                 deadline = COALESCE($10, deadline),
                 original_deadline = COALESCE($11, original_deadline),
                 extension_approved = COALESCE($12, extension_approved),
                 resolved_at = CASE WHEN $13 THEN $14 ELSE resolved_at END,
                 rating = COALESCE($15, rating),
                 merged_into = COALESCE($16, merged_into)
             WHERE id = $1",
        )
        .bind(id)
        .bind(change.to.as_str())
        .bind(change.at)
        .bind(change.agency_key.is_some())
        .bind(change.agency_key.clone().flatten())
        .bind(change.unit_code.is_some())
        .bind(change.unit_code.clone().flatten())
        .bind(&change.answer)
        .bind(&change.status_note)
        .bind(change.deadline)
        .bind(change.original_deadline)
        .bind(change.extension_approved)
        .bind(change.resolved_at.is_some())
        .bind(change.resolved_at.flatten())
        .bind(change.rating)
        .bind(change.merged_into)
        .execute(&mut *tx)
        .await?;
        for item in &change.media {
            insert_media(&mut tx, id, item, change.at).await?;
        }
        let actor = (change.actor.clone(), change.actor_name.clone(), change.party.clone());
        insert_event(
            &mut tx,
            id,
            change.at,
            &change.kind,
            Some(change.from.as_str()),
            change.to.as_str(),
            &actor,
            change.note.as_deref(),
            &change.detail,
        )
        .await?;
        if let Some(audit) = &audit {
            append_audit_tx(&mut tx, audit).await?;
        }
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1")))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let record = case_from_row(&row)?;
        tx.commit().await?;
        Ok(Some(record))
    }

    pub async fn add_case_media(
        &self,
        case_id: i64,
        media: NewMedia,
        at: i64,
        audit: AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_media(&mut tx, case_id, &media, at).await?;
        append_audit_tx(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn case_media(&self, case_id: i64) -> Result<Vec<MediaInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, case_id, purpose, content_type, size, created_at FROM case_media
             WHERE case_id = $1 ORDER BY created_at, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(media_from_row).collect::<Result<Vec<_>, _>>()?)
    }

    pub async fn media(&self, id: String) -> Result<Option<(MediaInfo, Vec<u8>)>, StoreError> {
        let row = sqlx::query(
            "SELECT id, case_id, purpose, content_type, size, created_at, bytes FROM case_media WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some((media_from_row(&row)?, row.try_get(6)?))),
            None => Ok(None),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    c: &mut PgConnection,
    case_id: i64,
    at: i64,
    kind: &str,
    from: Option<&str>,
    to: &str,
    actor: &(String, String, String),
    note: Option<&str>,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_events (case_id, at, kind, from_state, to_state, actor, actor_name, party, note, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(case_id)
    .bind(at)
    .bind(kind)
    .bind(from)
    .bind(to)
    .bind(&actor.0)
    .bind(&actor.1)
    .bind(&actor.2)
    .bind(note)
    .bind(detail.to_string())
    .execute(&mut *c)
    .await?;
    Ok(())
}

async fn insert_media(c: &mut PgConnection, case_id: i64, media: &NewMedia, at: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_media (id, case_id, purpose, content_type, size, bytes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&media.id)
    .bind(case_id)
    .bind(&media.purpose)
    .bind(&media.content_type)
    .bind(media.bytes.len() as i64)
    .bind(&media.bytes)
    .bind(at)
    .execute(&mut *c)
    .await?;
    Ok(())
}

fn media_from_row(r: &PgRow) -> Result<MediaInfo, sqlx::Error> {
    Ok(MediaInfo {
        id: r.try_get(0)?,
        case_id: r.try_get(1)?,
        purpose: r.try_get(2)?,
        content_type: r.try_get(3)?,
        size: r.try_get(4)?,
        created_at: r.try_get(5)?,
    })
}

fn case_from_row(r: &PgRow) -> Result<CaseRecord, StoreError> {
    let state: String = r.try_get(3)?;
    let attributes: String = r.try_get(14)?;
    Ok(CaseRecord {
        id: r.try_get(0)?,
        token: r.try_get(1)?,
        category_code: r.try_get(2)?,
        state: parse_state(&state)?,
        channel: r.try_get(4)?,
        description: r.try_get(5)?,
        lat: r.try_get(6)?,
        lon: r.try_get(7)?,
        address: r.try_get(8)?,
        unit_code: r.try_get(9)?,
        agency_key: r.try_get(10)?,
        reporter_name: r.try_get(11)?,
        reporter_phone: r.try_get(12)?,
        reporter_email: r.try_get(13)?,
        attributes: parse_json_column(&attributes, "attributes")?,
        media_url: r.try_get(15)?,
        answer: r.try_get(16)?,
        status_note: r.try_get(17)?,
        merged_into: r.try_get(18)?,
        rating: r.try_get(19)?,
        received_at: r.try_get(20)?,
        original_deadline: r.try_get(21)?,
        deadline: r.try_get(22)?,
        extension_approved: r.try_get(23)?,
        resolved_at: r.try_get(24)?,
        updated_at: r.try_get(25)?,
        simulated: r.try_get(26)?,
    })
}
