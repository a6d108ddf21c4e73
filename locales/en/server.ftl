# Messages of the Hải Đăng server (English).

## API errors

error-internal = Internal error. Try again later or tell the system administrator.
error-unauthenticated = Missing or invalid API key. Send the header "Authorization: Bearer <key>" with an active key.
error-forbidden = The role "{ $role }" may not perform this action.
error-not-found = { $what } "{ $key }" not found.
error-unit-not-found = No administrative unit with code "{ $code }" was in force on { $date }.
error-invalid-parameter = Invalid value "{ $value }" for "{ $field }": { $hint }
error-invalid-body = Invalid request body: { $detail }
error-unsupported-media-type = Unsupported content type "{ $value }". Use "application/json" or "text/csv".
error-invalid-input = Could not read the submitted data: { $detail }
error-reference-not-found = Field "{ $field }" refers to "{ $value }", which does not exist. Create it first.
error-service-unavailable = The database is not ready.

## Reasons for rejected rows

reject-missing-field = Missing value in column "{ $field }".
reject-missing-value = The source marked the value as missing ("{ $value }" in column "{ $field }"); the row is not stored as a measurement.
reject-unknown-series = Series "{ $series }" is not defined. Create it with PUT /api/v1/series/{ $series } and resend this row.
reject-invalid-number = Value "{ $value }" in column "{ $field }" is not a valid number. Use a decimal point, such as 12.5.
reject-out-of-range = Value { $value } is outside the valid range [{ $min }, { $max }] of the series.
reject-invalid-time = Invalid time "{ $value }". Use ISO 8601, such as 2025-07-01T08:00:00+07:00.
reject-malformed-row = Malformed row: { $detail }.

## Words used in messages

what-series = Series
what-batch = Batch
what-source = Source
what-entity = Entity
what-indicator = Indicator
unbounded = unbounded
what-route = Route

## Login, permissions, audit

error-forbidden-action = Your account may not perform this action within its assigned scope.
error-two-factor-required = Two-factor authentication required: enter the code from your authenticator app to continue.
error-csrf = Request refused: the anti-forgery (CSRF) token is missing or the request came from another site. Reload the page and try again.
error-rate-limited = Too many requests from this address. Try again in { $seconds } seconds.
error-login-failed = Wrong username or password.
error-login-locked = The account is locked after repeated failed logins. Try again after { $until }, or ask a system administrator to unlock it.
error-login-throttled = Too many failed logins from this address. Try again after { $until }.
error-invalid-code = Wrong or expired two-factor code. Enter the 6-digit code shown in your authenticator app.
error-weak-password = The new password is not accepted: { $reason }
error-already-exists = { $what } "{ $key }" already exists.
password-too-short = it needs at least 12 characters.
password-too-long = it is longer than 256 characters.
password-common = it is too common and easy to guess. Use a long, unusual phrase.
password-contains-username = it must not contain the username.
what-user = User
what-api-key = API key

## Connectors

what-connector = Connector
connector-required = Setting "{ $field }" is missing or empty. Give it a value.
connector-out-of-range = Setting "{ $field }" has the value "{ $value }", which is out of range. Use a number from { $min } to { $max }.
connector-one-of = Setting "{ $field }" has the value "{ $value }", which is not accepted. Use { $allowed }.
connector-invalid-key = Setting "{ $field }" has the value "{ $value }", which is not a valid key. Use 1 to 128 characters from A–Z, a–z, 0–9, ".", "_", ":" and "-".
connector-pointer = Setting "{ $field }" has the value "{ $value }", which is not a JSON pointer. Leave it empty for the whole document or start it with "/", such as "/pm25".
connector-placeholder = Setting "{ $field }" has the value "{ $value }", which uses the placeholder {"{"}{ $placeholder }{"}"}, not offered here. Use { $allowed }.
connector-topic-filter = Setting "{ $field }" has the value "{ $value }", which is not a valid MQTT topic filter: "+" and "#" must fill a whole level and "#" must come last, such as "tram/+/khong-khi".
connector-cron = Setting "{ $field }" has the value "{ $value }", which is not a cron schedule ({ $detail }). Use 5 or 6 fields, such as "*/15 * * * *" or "0 */15 * * * *".
connector-url = Setting "{ $field }" has the value "{ $value }", which is not a valid http:// or https:// URL.
connector-zone = Setting "{ $field }" has the value "{ $value }", which is not a time zone. Use an IANA name, such as Asia/Ho_Chi_Minh.
connector-kind-count = A connector needs exactly one of the sections mqtt, pull, ngsi_ld and file; found: { $value }.
connector-mapping = Setting "{ $field }" is not a valid mapping: { $detail }
connector-key-mismatch = Setting "{ $field }" has the value "{ $value }", which differs from the connector key "{ $expected }" in the path. Remove the setting or make the two equal.
error-ngsi-connector-required = The NGSI-LD connector is not named ({ $count } connectors of kind ngsi-ld exist). Name it with the parameter "?connector=<key>" or the header "NGSILD-Tenant".
error-file-connector-required = Source "{ $source }" has { $count } connectors of kind file. Name one with the parameter "?connector=<key>".
error-resubmit-row = Row { $row } of batch "{ $batch }" has no rejection waiting for correction. Resubmit only rows that are rejected and not yet resolved.

## Citizen reports

what-case = Report
what-service = Service
what-media = Photo
what-token = Tracking token
what-format = Format (use the extension .json or .xml)
error-illegal-transition = The step "{ $event }" is not possible while the report is in the state "{ $state }". Steps allowed now: { $allowed }.
error-case-wrong-party = The step "{ $event }" is not made through this path: operator steps go to /dispatch, handler steps to /handle, the reporter's steps with the tracking token.
error-photo-too-large = The photo is larger than { $limit }. Send a smaller photo.
error-photo-type = The photo must be a JPEG or PNG file.
error-not-logged-in = You are not logged in, or your session has expired. Log in again.
error-wrong-current-password = The current password is wrong.
error-self-lockout = You cannot disable your own account or remove your own administrator role. Ask another administrator.
