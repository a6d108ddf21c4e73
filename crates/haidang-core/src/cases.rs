//! Citizen reports (*phản ánh hiện trường*): the states of a case, the events that move it,
//! who may cause each event, and how a handled case counts against its deadline.
//!
//! Pure logic: the caller passes the current time and stores the outcome.

use serde::{Deserialize, Serialize};

/// State of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Tiếp nhận: filed, not yet checked by the operator.
    Received,
    /// Đã tiếp nhận xử lý: the operator found it valid.
    Accepted,
    /// Từ chối: not a matter for the IOC, with a reason.
    Rejected,
    /// Đã chuyển xử lý: assigned to an agency and/or commune.
    Assigned,
    /// Đang xử lý.
    InProgress,
    /// Đề nghị gia hạn: the handler requested more time.
    ExtensionRequested,
    /// Đã xử lý: the handler sent the result.
    Resolved,
    /// Đã công khai: the result is public.
    Published,
    /// Đã đánh giá: the citizen rated the result.
    Rated,
    /// Đã đóng.
    Closed,
    /// Mở lại: the citizen disputed the result.
    Reopened,
    /// Gộp: a duplicate of another case, which carries on.
    Merged,
}

impl CaseState {
    pub const ALL: [CaseState; 12] = [
        Self::Received,
        Self::Accepted,
        Self::Rejected,
        Self::Assigned,
        Self::InProgress,
        Self::ExtensionRequested,
        Self::Resolved,
        Self::Published,
        Self::Rated,
        Self::Closed,
        Self::Reopened,
        Self::Merged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Assigned => "assigned",
            Self::InProgress => "in_progress",
            Self::ExtensionRequested => "extension_requested",
            Self::Resolved => "resolved",
            Self::Published => "published",
            Self::Rated => "rated",
            Self::Closed => "closed",
            Self::Reopened => "reopened",
            Self::Merged => "merged",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Vietnamese name shown to users.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Received => "Mới tiếp nhận",
            Self::Accepted => "Đã tiếp nhận xử lý",
            Self::Rejected => "Từ chối",
            Self::Assigned => "Đã chuyển xử lý",
            Self::InProgress => "Đang xử lý",
            Self::ExtensionRequested => "Đề nghị gia hạn",
            Self::Resolved => "Đã xử lý",
            Self::Published => "Đã công khai kết quả",
            Self::Rated => "Người dân đã đánh giá",
            Self::Closed => "Đã đóng",
            Self::Reopened => "Mở lại",
            Self::Merged => "Đã gộp",
        }
    }

    /// Open311 status: `closed` once the handling is over from the citizen's view.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Self::Rejected | Self::Resolved | Self::Published | Self::Rated | Self::Closed | Self::Merged
        )
    }

    /// Whether the public may see the case and its answer.
    pub fn is_public(self) -> bool {
        matches!(self, Self::Published | Self::Rated | Self::Closed)
    }

    /// Whether the handling clock runs (the case waits on an agency or commune).
    pub fn counts_against_deadline(self) -> bool {
        self.is_open()
    }

    /// Events allowed in this state.
    pub fn allowed(self) -> &'static [EventKind] {
        use EventKind::*;
        match self {
            Self::Received => &[Accept, Reject, Merge],
            Self::Accepted => &[Assign, Merge],
            Self::Assigned | Self::Reopened => &[Assign, Start, Resolve],
            Self::InProgress => &[Assign, RequestExtension, Resolve],
            Self::ExtensionRequested => &[ApproveExtension, RefuseExtension],
            Self::Resolved => &[Publish, Reopen],
            Self::Published => &[Rate, Dispute, Close],
            Self::Rated => &[Dispute, Close],
            Self::Closed => &[Dispute],
            Self::Rejected | Self::Merged => &[],
        }
    }
}

/// Event that moves a case from one state to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Accept,
    Reject,
    Assign,
    Start,
    RequestExtension,
    ApproveExtension,
    RefuseExtension,
    Resolve,
    Publish,
    Rate,
    Dispute,
    Close,
    /// The operator sends a resolved case back to the handler before publishing it.
    Reopen,
    Merge,
}

/// Party that may cause an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The IOC operator (Action::DispatchCases).
    Dispatcher,
    /// The agency or commune officer the case is assigned to (Action::HandleCases).
    Handler,
    /// The reporter, holding the case's token.
    Citizen,
}

impl EventKind {
    pub const ALL: [EventKind; 14] = [
        Self::Accept,
        Self::Reject,
        Self::Assign,
        Self::Start,
        Self::RequestExtension,
        Self::ApproveExtension,
        Self::RefuseExtension,
        Self::Resolve,
        Self::Publish,
        Self::Rate,
        Self::Dispute,
        Self::Close,
        Self::Reopen,
        Self::Merge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::Assign => "assign",
            Self::Start => "start",
            Self::RequestExtension => "request_extension",
            Self::ApproveExtension => "approve_extension",
            Self::RefuseExtension => "refuse_extension",
            Self::Resolve => "resolve",
            Self::Publish => "publish",
            Self::Rate => "rate",
            Self::Dispute => "dispute",
            Self::Close => "close",
            Self::Reopen => "reopen",
            Self::Merge => "merge",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn party(self) -> Party {
        match self {
            Self::Start | Self::RequestExtension | Self::Resolve => Party::Handler,
            Self::Rate | Self::Dispute => Party::Citizen,
            _ => Party::Dispatcher,
        }
    }

    /// Whether the event must carry a note (a reason, an answer).
    pub fn needs_note(self) -> bool {
        matches!(
            self,
            Self::Reject
                | Self::RequestExtension
                | Self::RefuseExtension
                | Self::Resolve
                | Self::Dispute
                | Self::Reopen
        )
    }
}

/// An event refused in a state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{event} is not allowed in state {state}; allowed: {allowed}", event = .event.as_str(), state = .state.as_str(), allowed = allowed_list(.state))]
pub struct IllegalTransition {
    pub state: CaseState,
    pub event: EventKind,
}

impl IllegalTransition {
    pub fn allowed(&self) -> &'static [EventKind] {
        self.state.allowed()
    }
}

/// Comma-separated events allowed in `state`, or `-` when none.
pub fn allowed_list(state: &CaseState) -> String {
    let names: Vec<&str> = state.allowed().iter().map(|k| k.as_str()).collect();
    if names.is_empty() {
        "-".to_owned()
    } else {
        names.join(", ")
    }
}

/// Returns the state after `event`, or why it is refused.
pub fn next_state(state: CaseState, event: EventKind) -> Result<CaseState, IllegalTransition> {
    if !state.allowed().contains(&event) {
        return Err(IllegalTransition { state, event });
    }
    Ok(match event {
        EventKind::Accept => CaseState::Accepted,
        EventKind::Reject => CaseState::Rejected,
        EventKind::Assign => CaseState::Assigned,
        EventKind::Start | EventKind::ApproveExtension | EventKind::RefuseExtension => CaseState::InProgress,
        EventKind::RequestExtension => CaseState::ExtensionRequested,
        EventKind::Resolve => CaseState::Resolved,
        EventKind::Publish => CaseState::Published,
        EventKind::Rate => CaseState::Rated,
        EventKind::Close => CaseState::Closed,
        EventKind::Dispute | EventKind::Reopen => CaseState::Reopened,
        EventKind::Merge => CaseState::Merged,
    })
}

/// Class of a case in the handling statistics: on time, late and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Resolved by the original deadline.
    OnTime,
    /// Resolved after the original deadline but within an approved extension.
    LateWithExtension,
    /// Resolved after its deadline.
    Late,
    /// Still open, deadline not passed.
    Open,
    /// Still open and past its deadline.
    OpenOverdue,
    /// Rejected or merged: not counted.
    NotCounted,
}

/// Facts about one case that its timeliness depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineFacts {
    pub state: CaseState,
    pub original_deadline: i64,
    pub deadline: i64,
    pub extension_approved: bool,
    pub resolved_at: Option<i64>,
}

pub fn timeliness(facts: &DeadlineFacts, now: i64) -> Timeliness {
    if matches!(facts.state, CaseState::Rejected | CaseState::Merged) {
        return Timeliness::NotCounted;
    }
    match facts.resolved_at.filter(|_| !facts.state.is_open()) {
        Some(at) if at <= facts.original_deadline => Timeliness::OnTime,
        Some(at) if facts.extension_approved && at <= facts.deadline => Timeliness::LateWithExtension,
        Some(_) => Timeliness::Late,
        None if now > facts.deadline => Timeliness::OpenOverdue,
        None => Timeliness::Open,
    }
}

/// Counts of cases by timeliness.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TimelinessCounts {
    pub total: u64,
    pub on_time: u64,
    pub late_with_extension: u64,
    pub late: u64,
    pub open: u64,
    pub open_overdue: u64,
    pub not_counted: u64,
}

impl TimelinessCounts {
    pub fn add(&mut self, value: Timeliness) {
        self.total += 1;
        match value {
            Timeliness::OnTime => self.on_time += 1,
            Timeliness::LateWithExtension => self.late_with_extension += 1,
            Timeliness::Late => self.late += 1,
            Timeliness::Open => self.open += 1,
            Timeliness::OpenOverdue => self.open_overdue += 1,
            Timeliness::NotCounted => self.not_counted += 1,
        }
    }
}

/// Distance in metres between two points on the Earth (haversine, mean radius).
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_000.0;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().asin()
}

/// Default radius and window within which two reports of one category may be the same matter.
pub const DUPLICATE_RADIUS_M: f64 = 200.0;
pub const DUPLICATE_WINDOW_MS: i64 = 48 * 3_600_000;

/// Whether two reports may be duplicates: same category, close in place and time.
pub fn may_be_duplicate(a: (f64, f64, i64), b: (f64, f64, i64)) -> bool {
    (a.2 - b.2).abs() <= DUPLICATE_WINDOW_MS && distance_m(a.0, a.1, b.0, b.1) <= DUPLICATE_RADIUS_M
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_path_to_closed() {
        use EventKind::*;
        let mut state = CaseState::Received;
        for event in [
            Accept,
            Assign,
            Start,
            RequestExtension,
            ApproveExtension,
            Resolve,
            Publish,
            Rate,
            Close,
        ] {
            state = next_state(state, event).unwrap_or(CaseState::Merged);
        }
        assert_eq!(state, CaseState::Closed);
    }

    #[test]
    fn dispute_reopens_and_work_resumes() {
        let state = next_state(CaseState::Published, EventKind::Dispute);
        assert_eq!(state, Ok(CaseState::Reopened));
        assert_eq!(
            next_state(CaseState::Reopened, EventKind::Start),
            Ok(CaseState::InProgress)
        );
    }

    #[test]
    fn illegal_transition_names_allowed_events() {
        let error = next_state(CaseState::Received, EventKind::Resolve).err();
        let text = error.map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            text,
            "resolve is not allowed in state received; allowed: accept, reject, merge"
        );
        assert!(next_state(CaseState::Rejected, EventKind::Dispute).is_err());
        assert_eq!(
            next_state(CaseState::Closed, EventKind::Dispute),
            Ok(CaseState::Reopened)
        );
    }

    #[test]
    fn open311_status() {
        assert!(CaseState::InProgress.is_open());
        assert!(!CaseState::Published.is_open());
        assert!(!CaseState::InProgress.is_public());
    }

    #[test]
    fn timeliness_classes() {
        let facts = |state, resolved_at, extension_approved| DeadlineFacts {
            state,
            original_deadline: 100,
            deadline: if extension_approved { 200 } else { 100 },
            extension_approved,
            resolved_at,
        };
        assert_eq!(
            timeliness(&facts(CaseState::Closed, Some(90), false), 0),
            Timeliness::OnTime
        );
        assert_eq!(
            timeliness(&facts(CaseState::Published, Some(150), true), 0),
            Timeliness::LateWithExtension
        );
        assert_eq!(
            timeliness(&facts(CaseState::Resolved, Some(150), false), 0),
            Timeliness::Late
        );
        assert_eq!(
            timeliness(&facts(CaseState::InProgress, None, false), 150),
            Timeliness::OpenOverdue
        );
        assert_eq!(
            timeliness(&facts(CaseState::Assigned, None, false), 50),
            Timeliness::Open
        );
        assert_eq!(
            timeliness(&facts(CaseState::Rejected, None, false), 50),
            Timeliness::NotCounted
        );
    }

    #[test]
    fn duplicates_are_near_in_place_and_time() {
        let a = (10.9289, 108.1021, 0);
        assert!(may_be_duplicate(a, (10.9300, 108.1021, 3_600_000)));
        assert!(!may_be_duplicate(a, (10.9400, 108.1021, 3_600_000)));
        assert!(!may_be_duplicate(a, (10.9289, 108.1021, 49 * 3_600_000)));
    }
}
