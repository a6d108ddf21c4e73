//! Access control through the real router: the route × role matrix, scopes, sessions,
//! two-factor login, lockout, CSRF and the audit trail, against SQLite and PostgreSQL.

// Test code may panic on a failed step: that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use haidang_core::access::{Action, Grant, Role};
use haidang_server::identity::policy::ROUTE_POLICIES;
use haidang_server::identity::two_factor::code_at;
use serde_json::{Value, json};
use support::{Auth, Backend, TestApp};

haidang_testkit::on_both_backends!(
    every_route_follows_the_matrix,
    agency_officer_sees_only_own_batches,
    agency_key_cannot_write_other_agency,
    login_with_two_factor_and_logout,
    lockout_lasts_the_stated_time,
    unknown_username_answers_like_known,
    csrf_and_cross_site_writes_are_refused,
    idle_session_expires,
    audit_trail_lists_and_exports,
    revoked_and_expired_keys_are_refused,
);

/// Fills the parameters of a route pattern with harmless values.
fn concrete(route: &str) -> String {
    route
        .replace("{key}", "x")
        .replace("{batch_id}", "x")
        .replace("{code}", "22918")
        .replace("{indicator}", "x")
        .replace("{id}", "x")
        .replace("{name}", "x")
}

/// Callers of the matrix: anonymous, one user per role (province-wide), an agency key.
async fn callers(app: &TestApp) -> Vec<(String, Option<Role>, Auth)> {
    let mut callers = vec![("anonymous".to_owned(), None, Auth::Anonymous)];
    for role in Role::ALL {
        if role == Role::AgencySystem {
            callers.push((
                "agency key".to_owned(),
                Some(role),
                Auth::Key(app.agency_key("ioc", None).await),
            ));
        } else {
            // A fresh session per caller; the matrix test makes a new one per request too.
            callers.push((role.as_str().to_owned(), Some(role), Auth::Anonymous));
        }
    }
    callers
}

async fn every_route_follows_the_matrix(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_agency("ioc").await;
    for (method, route, action) in ROUTE_POLICIES {
        for (name, role, auth) in callers(&app).await {
            let auth = match (role, &auth) {
                (Some(role), Auth::Anonymous) => app.session_as(role, None, None).await.auth(),
                _ => auth,
            };
            let body = matches!(*method, "POST" | "PUT" | "PATCH").then(|| ("application/json", b"{}".to_vec()));
            let (status, _, error) = app.send(method, &concrete(route), &auth, body).await;
            let allowed = action.is_public() || role.is_some_and(|r| action.roles().contains(&r));
            let context = format!("{method} {route} as {name}: {status} {error}");
            assert_ne!(error["error"]["code"], "ROUTE_WITHOUT_POLICY", "{context}");
            if allowed {
                assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "allowed, got {context}"
                );
            } else if role.is_none() {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{context}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{context}");
                assert_eq!(error["error"]["code"], "FORBIDDEN", "{context}");
            }
        }
    }
}

async fn agency_officer_sees_only_own_batches(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_agency("so-nnmt").await;
    app.define_agency("tt-hcc").await;
    let own = app
        .push_as_admin("so-nnmt", "series,time,value\nso-nnmt.s,2025-07-01T08:00:00+07:00,1\n")
        .await;
    let other = app
        .push_as_admin("tt-hcc", "series,time,value\ntt-hcc.s,2025-07-01T08:00:00+07:00,x\n")
        .await;
    let officer = app.session_as(Role::AgencyOfficer, Some("so-nnmt"), None).await.auth();

    let (status, _, _) = app.send("GET", &format!("/api/v1/batches/{own}"), &officer, None).await;
    assert_eq!(status, StatusCode::OK);
    for uri in [
        format!("/api/v1/batches/{other}"),
        format!("/api/v1/batches/{other}/rejected"),
        format!("/api/v1/batches/{other}/rejected?format=csv"),
    ] {
        let (status, _, error) = app.send("GET", &uri, &officer, None).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{uri}: another agency's batch must look absent"
        );
        assert_eq!(error["error"]["code"], "BATCH_NOT_FOUND");
    }

    let operator = app.session_as(Role::Operator, None, None).await.auth();
    let (status, _, _) = app
        .send("GET", &format!("/api/v1/batches/{other}/rejected"), &operator, None)
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a province-wide operator sees every agency's batches"
    );

    let commune = app.session_as(Role::CommuneOfficer, None, Some("22918")).await.auth();
    let (status, _, _) = app.send("GET", &format!("/api/v1/batches/{own}"), &commune, None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "commune officers do not read agencies' batches"
    );
}

async fn agency_key_cannot_write_other_agency(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_agency("so-nnmt").await;
    app.define_agency("tt-hcc").await;
    let key = Auth::Key(app.agency_key("so-nnmt", None).await);

    let csv = "series,time,value\nso-nnmt.s,2025-07-01T08:00:00+07:00,1\ntt-hcc.s,2025-07-01T08:00:00+07:00,2\n";
    let (status, _, report) = app
        .send("POST", "/api/v1/observations", &key, Some(("text/csv", csv.into())))
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["accepted"], 1);
    assert_eq!(report["rejected"], 1);
    let batch = report["batch_id"].as_str().unwrap().to_owned();
    let (_, _, listing) = app
        .send("GET", &format!("/api/v1/batches/{batch}/rejected"), &key, None)
        .await;
    assert_eq!(
        listing["rejected"][0]["code"], "UNKNOWN_SERIES",
        "another agency's series looks undefined: {listing}"
    );

    let body = json!({"name": "x", "unit": "x", "source": "tt-hcc.source"}).to_string();
    let (status, _, error) = app
        .send(
            "PUT",
            "/api/v1/series/so-nnmt.new",
            &key,
            Some(("application/json", body.into())),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    let body = json!({"name": "x", "unit": "x", "source": "so-nnmt.source"}).to_string();
    let (status, _, error) = app
        .send(
            "PUT",
            "/api/v1/series/tt-hcc.s",
            &key,
            Some(("application/json", body.into())),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "redefining another agency's series: {error}"
    );
    let (status, _, _) = app
        .send(
            "POST",
            "/api/v1/observations?source=tt-hcc.source",
            &key,
            Some(("text/csv", csv.into())),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // A key limited to named sources cannot write to the agency's other sources either.
    app.define_source("so-nnmt", "so-nnmt.second").await;
    let limited = Auth::Key(app.agency_key("so-nnmt", Some(vec!["so-nnmt.second".into()])).await);
    let (_, _, report) = app
        .send("POST", "/api/v1/observations", &limited, Some(("text/csv", csv.into())))
        .await;
    assert_eq!(report["accepted"], 0, "{report}");
    assert_eq!(report["rejected"], 2, "{report}");
}

async fn login_with_two_factor_and_logout(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = "hải đăng soi đường 2026";
    app.create_user(
        "quantri",
        password,
        Grant {
            role: Role::Admin,
            agency: None,
            unit: None,
        },
    )
    .await;

    let (status, headers, session) = app.login("quantri", password).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    assert_eq!(session["stage"], "two_factor");
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    let token = cookie
        .split(';')
        .next()
        .and_then(|p| p.strip_prefix("haidang_session="))
        .unwrap()
        .to_owned();
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();
    let secret = session["two_factor_setup"]["secret"]
        .as_str()
        .expect("a second factor to set up")
        .to_owned();
    assert!(
        session["two_factor_setup"]["otpauth_url"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    let auth = Auth::Session {
        token: token.clone(),
        csrf: Some(csrf.clone()),
        headers: Vec::new(),
    };

    let (status, _, error) = app.send("GET", "/api/v1/users", &auth, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error["error"]["code"], "TWO_FACTOR_REQUIRED");

    let wrong = json!({"code": "000000"}).to_string();
    let (status, _, _) = app
        .send(
            "POST",
            "/api/v1/auth/two-factor",
            &auth,
            Some(("application/json", wrong.into())),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let code = code_at(&secret, app.now()).unwrap();
    let right = json!({ "code": code }).to_string();
    let (status, headers, session) = app
        .send(
            "POST",
            "/api/v1/auth/two-factor",
            &auth,
            Some(("application/json", right.clone().into())),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{session}");
    assert_eq!(session["stage"], "full");
    assert_eq!(session["two_factor_enabled"], true);
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let new_token = cookie
        .split(';')
        .next()
        .and_then(|p| p.strip_prefix("haidang_session="))
        .unwrap()
        .to_owned();
    let new_csrf = session["csrf_token"].as_str().unwrap().to_owned();
    assert_ne!(new_token, token, "the session token changes after the second factor");
    assert_ne!(new_csrf, csrf, "the CSRF token changes after the second factor");
    let (status, _, _) = app.send("GET", "/api/v1/users", &auth, None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the token from before the second factor is void"
    );
    let auth = Auth::Session {
        token: new_token,
        csrf: Some(new_csrf),
        headers: Vec::new(),
    };

    let (status, _, users) = app.send("GET", "/api/v1/users", &auth, None).await;
    assert_eq!(status, StatusCode::OK);
    let own_id = users["users"][0]["id"].as_str().unwrap().to_owned();
    let disable_self = json!({"disabled": true}).to_string();
    let (status, _, error) = app
        .send(
            "PATCH",
            &format!("/api/v1/users/{own_id}"),
            &auth,
            Some(("application/json", disable_self.into())),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{error}");
    assert_eq!(error["error"]["code"], "SELF_LOCKOUT");
    assert_eq!(users["users"][0]["username"], "quantri");
    assert!(
        users["users"][0].get("password_hash").is_none(),
        "hashes never leave the server"
    );

    // The next login asks for the code without a new secret, and the used code is refused.
    let (_, headers, again) = app.login("quantri", password).await;
    assert_eq!(again["stage"], "two_factor");
    assert_eq!(again["two_factor_setup"], Value::Null);
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let second = Auth::Session {
        token: cookie
            .split(';')
            .next()
            .and_then(|p| p.strip_prefix("haidang_session="))
            .unwrap()
            .to_owned(),
        csrf: again["csrf_token"].as_str().map(str::to_owned),
        headers: Vec::new(),
    };
    let (status, _, error) = app
        .send(
            "POST",
            "/api/v1/auth/two-factor",
            &second,
            Some(("application/json", right.into())),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a code is accepted once: {error}");

    let (status, headers, _) = app.send("POST", "/api/v1/auth/logout", &auth, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(
        headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .contains("Max-Age=0")
    );
    let (status, _, _) = app.send("GET", "/api/v1/users", &auth, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a logged-out session is anonymous");
}

async fn lockout_lasts_the_stated_time(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = "một mật khẩu đủ dài 42";
    app.create_user(
        "dieuhanh",
        password,
        Grant {
            role: Role::Operator,
            agency: None,
            unit: None,
        },
    )
    .await;
    for attempt in 1..=4 {
        let (status, _, error) = app.login("dieuhanh", "wrong password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert_eq!(error["error"]["message"], "Tên đăng nhập hoặc mật khẩu không đúng.");
    }
    let (status, _, error) = app.login("dieuhanh", "wrong password").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error["error"]["code"], "LOGIN_LOCKED");
    // Locked at 10:00 local time for 15 minutes.
    assert!(
        error["error"]["message"].as_str().unwrap().contains("10:15 05/01/2026"),
        "{error}"
    );

    let (status, _, _) = app.login("dieuhanh", password).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the right password does not open a locked account"
    );
    app.advance(14 * 60_000);
    let (status, _, _) = app.login("dieuhanh", password).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "still locked after 14 minutes");
    app.advance(60_000 + 1);
    let (status, _, session) = app.login("dieuhanh", password).await;
    assert_eq!(status, StatusCode::OK, "unlocked after 15 minutes: {session}");
    assert_eq!(session["stage"], "full", "operators need no second factor");
}

async fn unknown_username_answers_like_known(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user(
        "lanhdao",
        "một mật khẩu đủ dài 42",
        Grant {
            role: Role::Leader,
            agency: None,
            unit: None,
        },
    )
    .await;
    let (known_status, _, known) = app.login("lanhdao", "wrong password").await;
    let (unknown_status, _, unknown) = app.login("khongtontai", "wrong password").await;
    assert_eq!(known_status, unknown_status);
    assert_eq!(known, unknown);
    for _ in 0..4 {
        app.login("khongtontai", "wrong password").await;
    }
    let (status, _, error) = app.login("khongtontai", "wrong password").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        error["error"]["code"], "LOGIN_LOCKED",
        "unknown names lock like known ones"
    );
}

async fn csrf_and_cross_site_writes_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let session = app.session_as(Role::Admin, None, None).await;
    let body = || {
        Some((
            "application/json",
            json!({"name": "a", "unit": "x"}).to_string().into_bytes(),
        ))
    };

    let cases: Vec<(&str, Auth)> = vec![
        (
            "no token",
            Auth::Session {
                token: session.token.clone(),
                csrf: None,
                headers: Vec::new(),
            },
        ),
        (
            "wrong token",
            Auth::Session {
                token: session.token.clone(),
                csrf: Some("hd_wrong".into()),
                headers: Vec::new(),
            },
        ),
        (
            "other origin",
            Auth::Session {
                token: session.token.clone(),
                csrf: Some(session.csrf.clone()),
                headers: vec![("origin".into(), "https://evil.example".into())],
            },
        ),
        (
            "cross-site fetch",
            Auth::Session {
                token: session.token.clone(),
                csrf: Some(session.csrf.clone()),
                headers: vec![("sec-fetch-site".into(), "cross-site".into())],
            },
        ),
    ];
    for (case, auth) in cases {
        let (status, _, error) = app.send("PUT", "/api/v1/series/a", &auth, body()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{case}: {error}");
        assert_eq!(error["error"]["code"], "CSRF_CHECK_FAILED", "{case}");
    }
    let same_origin = Auth::Session {
        token: session.token.clone(),
        csrf: Some(session.csrf.clone()),
        headers: vec![
            ("origin".into(), "https://ioc.test".into()),
            ("sec-fetch-site".into(), "same-origin".into()),
        ],
    };
    let (status, _, created) = app.send("PUT", "/api/v1/series/a", &same_origin, body()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

async fn idle_session_expires(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let session = app.session_as(Role::Leader, None, None).await;
    let (status, _, _) = app.send("GET", "/api/v1/auth/me", &session.auth(), None).await;
    assert_eq!(status, StatusCode::OK);
    app.advance(31 * 60_000);
    let (status, _, error) = app.send("GET", "/api/v1/auth/me", &session.auth(), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "idle for 31 minutes");
    assert_eq!(error["error"]["code"], "NOT_LOGGED_IN");
}

async fn audit_trail_lists_and_exports(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_pm25().await;
    let auditor = app.session_as(Role::Auditor, None, None).await.auth();
    let admin = app.session_as(Role::Admin, None, None).await.auth();

    let (status, _, _) = app.send("GET", "/api/v1/audit", &admin, None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "administrators do not read the audit trail"
    );

    let (status, _, listing) = app
        .send("GET", "/api/v1/audit?action=series.define", &auditor, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let record = &listing["records"][0];
    assert_eq!(record["object"], "series:pt.pm25");
    assert_eq!(record["role"], "admin");
    assert_eq!(record["outcome"], "success");

    let (_, _, denials) = app.send("GET", "/api/v1/audit?outcome=denied", &auditor, None).await;
    assert!(
        denials["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["detail"]["action"] == "read_audit"),
        "the administrator's denied read is audited: {denials}"
    );

    let (status, _, error) = app.send("GET", "/api/v1/audit/export", &auditor, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an export needs a purpose: {error}");
    let (status, headers, _) = app
        .send(
            "GET",
            "/api/v1/audit/export?purpose=thanh%20tra%20quy%20IV",
            &auditor,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .starts_with("text/csv")
    );
    let (_, _, exports) = app
        .send("GET", "/api/v1/audit?action=audit.export", &auditor, None)
        .await;
    assert_eq!(exports["records"][0]["detail"]["purpose"], "thanh tra quy IV");

    let ((anchor_seq, anchor_hash), records) = app.store.audit_chain().await.unwrap();
    assert!(records.len() >= 5);
    assert!(haidang_core::audit::verify_chain(&records, (anchor_seq, &anchor_hash)).is_ok());
}

async fn revoked_and_expired_keys_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_agency("so-nnmt").await;
    let admin = app.session_as(Role::Admin, None, None).await.auth();

    // A key limited to pushing cannot define series.
    let body = json!({"name": "push-only", "role": "agency", "agency": "so-nnmt", "actions": ["push_observations"]});
    let (status, _, issued) = app
        .send(
            "POST",
            "/api/v1/api-keys",
            &admin,
            Some(("application/json", body.to_string().into())),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let push_only = Auth::Key(issued["key"].as_str().unwrap().to_owned());
    let csv = "series,time,value\nso-nnmt.s,2025-07-01T08:00:00+07:00,1\n";
    let (status, _, report) = app
        .send(
            "POST",
            "/api/v1/observations",
            &push_only,
            Some(("text/csv", csv.into())),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let series = json!({"name": "x", "unit": "x", "source": "so-nnmt.source"}).to_string();
    let (status, _, _) = app
        .send(
            "PUT",
            "/api/v1/series/so-nnmt.s",
            &push_only,
            Some(("application/json", series.into())),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the key is limited to pushing");
    let body = json!({"name": "bad", "role": "agency", "agency": "so-nnmt", "actions": ["manage_users"]});
    let (status, _, _) = app
        .send(
            "POST",
            "/api/v1/api-keys",
            &admin,
            Some(("application/json", body.to_string().into())),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "an agency key cannot be given an administrator's action"
    );

    let body =
        json!({"name": "so-nnmt-system", "role": "agency", "agency": "so-nnmt", "expires_at": app.now() + 3_600_000});
    let (status, _, issued) = app
        .send(
            "POST",
            "/api/v1/api-keys",
            &admin,
            Some(("application/json", body.to_string().into())),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let key = Auth::Key(issued["key"].as_str().unwrap().to_owned());
    let (status, _, _) = app.send("GET", "/api/v1/batches/x", &key, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the new key works");

    let (status, _, rotated) = app
        .send("POST", "/api/v1/api-keys/so-nnmt-system/rotate", &admin, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = app.send("GET", "/api/v1/batches/x", &key, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old secret stops at rotation");
    let key = Auth::Key(rotated["key"].as_str().unwrap().to_owned());
    let (_, _, listing) = app.send("GET", "/api/v1/api-keys", &admin, None).await;
    assert!(listing["keys"][1]["last_used_at"].is_number() || listing["keys"][0]["last_used_at"].is_number());

    app.advance(3_600_001);
    let (status, _, _) = app.send("GET", "/api/v1/batches/x", &key, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "expired");

    // The administrator's session idled out meanwhile.
    let admin = app.session_as(Role::Admin, None, None).await.auth();
    let (status, _, _) = app
        .send("DELETE", "/api/v1/api-keys/so-nnmt-system", &admin, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = app
        .send("DELETE", "/api/v1/api-keys/so-nnmt-system", &admin, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "already revoked");

    let (status, _, agencies) = app.send("GET", "/api/v1/agencies", &Auth::Anonymous, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(agencies["agencies"][0]["key"], "so-nnmt");
}

#[test]
fn matrix_names_every_action() {
    for action in Action::ALL {
        let used = ROUTE_POLICIES.iter().any(|(_, _, a)| *a == action);
        assert!(used, "{action:?} guards no route");
    }
}

#[tokio::test]
async fn openapi_and_policy_table_agree() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (_, _, document) = app.send("GET", "/api/v1/openapi.json", &Auth::Anonymous, None).await;
    let mut documented = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    for (method, path) in &documented {
        assert!(
            ROUTE_POLICIES.iter().any(|(m, r, _)| m == method && r == path),
            "{method} {path} has no policy"
        );
    }
    for (method, route, _) in ROUTE_POLICIES {
        assert!(
            documented.iter().any(|(m, p)| m == method && p == route),
            "{method} {route} is not documented"
        );
    }
}
