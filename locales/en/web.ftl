# English messages of the Hải Đăng web page. Every message here must also
# exist in locales/vi/web.ftl with the same variables.

## Page header and footer

page-title = Hải Đăng — Intelligent Operations Center
app-name = Hải Đăng
app-subtitle = Intelligent Operations Center
deployment-default = Lâm Đồng (former Bình Thuận area)
lang-switch-label = Language
loading = Loading…
load-failed = Could not load data: { $message }
footer-attributions = Data sources and attributions
footer-note = Times are shown in Vietnam time (UTC+7).

## Map

map-heading = Map
map-label = Map of the province with administrative boundaries, stations and typhoon tracks
layer-province = Province boundary
layer-districts = Former districts (before 01/07/2025)
layer-stations = Stations
layer-typhoons = Typhoon tracks
boundary-province = Province
boundary-district = former district (before 01/07/2025)
station-kind =
    { $kind ->
        [air_station] Air quality station
        [weather_station] Weather station
        [hydro_station] Hydrological station
       *[other] { $kind }
    }
station-hanoi-reference = Hanoi reference station (outside the province)
simulated-data = simulated data
station-series = Series
station-no-series = This station has no series yet.
typhoon-year = Year { $year }
typhoon-period = Period: { $start } – { $end }
typhoon-grade = Peak intensity: { $grade }
typhoon-distance = Closest distance to the province: { $distance } km
typhoon-legend = Storm intensity
grade-depression = Tropical depression (below 34 kt)
grade-storm = Tropical storm (34–47 kt)
grade-severe = Severe tropical storm (48–63 kt)
grade-typhoon = Typhoon (64 kt and above)
grade-unknown = Intensity unknown
units-summary = Administrative units in force on { $date }: { $communes } communes, wards and special zones
map-empty = No province boundary to show yet.

## Chart

chart-heading = Time series chart
chart-series = Series
chart-step = Step
step-raw = Raw
step-hour = Hour
step-day = Day
chart-agg = Aggregation
agg-avg = Average
agg-max = Maximum
agg-min = Minimum
chart-from = From
chart-to = To
chart-source = Source: { $source } · Agency: { $agency }
chart-latest = Latest value: { $value } { $unit } at { $time }
chart-points = { $count ->
        [one] { $count } data point
       *[other] { $count } data points
    }
chart-no-data = No observations in the selected period.
chart-no-series = No series available yet.
chart-invalid-date = Invalid date, type it as dd/mm/yyyy.
chart-pick-date = Choose a date
chart-invalid-range = The start date must be on or before the end date.
chart-value = Value
series-no-source = Unknown source
series-simulated = { $name } (simulated)

## Data sources table

sources-heading = Data sources
col-name = Name
col-agency = Agency
col-person = Responsible person
col-series = Series
col-received = Last received
col-observed = Last observation time
col-status = Status
status-fresh = Up to date
status-stale = Delayed
status-never = No data yet
badge-simulated = simulated
sources-empty = No data sources yet.

## Accounts: login, second factor, logout

refresh = Refresh
dialog-cancel = Cancel
nav-label = Sections
nav-dashboard = Monitoring and operations
nav-users = User administration
nav-audit = Audit trail
login-button = Log in
login-continue = Continue logging in
login-title = Log in
login-username = Username
login-password = Password
login-submit = Log in
login-welcome = Welcome, { $name }.
logout-button = Log out
logout-all-button = Log out on all devices
logout-done = You are logged out.
logout-all-done = You are logged out on all devices.
session-expired = Your session has ended. Please log in again.
two-factor-title = Two-factor authentication
two-factor-setup-intro = Your role requires two-factor authentication. This is the first setup: add the account to an authenticator app on your phone (an app that generates TOTP codes), then enter the code it shows.
two-factor-step-app = Open the authenticator app and choose to add an account.
two-factor-step-qr = Scan this QR code with the app:
two-factor-qr-label = QR code with the two-factor setup address
two-factor-step-secret = Or choose to enter a setup key by hand, and enter this secret key (time-based, 6 digits, 30 seconds):
two-factor-step-url = Or, if the app accepts a setup address, paste this address:
two-factor-step-code = Type the 6-digit code the app shows into the box below.
two-factor-secret-warning = Keep the secret key private: do not send screenshots of it, and do not share it by e-mail or message.
two-factor-prompt = Enter the 6-digit code from your authenticator app to finish logging in.
two-factor-resume = If you have not added the account to your authenticator app yet, cancel and log in again to see the secret key once more.
two-factor-code = Code
two-factor-submit = Confirm

## Accounts: own password

password-open = Change password
password-title = Change password
password-rules = The new password needs at least 12 characters, must not contain the username and must not be a common password. A long phrase that is easy for you to remember but hard for others to guess works well.
password-current = Current password
password-new = New password
password-confirm = Repeat the new password
password-change-note = After the change, all your sessions end; log in again with the new password.
password-submit = Change password
password-changed = Your password has been changed. Please log in again with the new password.
password-current-wrong = The current password is not correct.

## Roles

role-admin = System administrator
role-operator = IOC operator
role-leader = Provincial People's Committee leader
role-agency-officer = Department or agency officer
role-commune-officer = Commune or ward officer
role-auditor = Auditor

## User administration

users-heading = User administration
users-intro = Create accounts, assign roles and scopes, lock or unlock accounts. Every change is recorded in the audit trail.
users-col-username = Username
users-col-name = Full name
users-col-roles = Roles and scope
users-col-2fa = Two-factor authentication
users-col-state = Status
users-col-actions = Actions
users-empty = No accounts yet.
users-edit = Edit
users-edit-named = Edit account { $username }
users-2fa-on = Enabled
users-2fa-pending = Awaiting setup
users-2fa-off = Not enabled
users-state-active = Active
users-state-disabled = Disabled
users-state-locked = Locked until { $until }
users-failed-logins =
    { $count ->
        [one] { $count } failed login
       *[other] { $count } failed logins
    }
user-add = Add user
user-create-title = Add user
user-edit-title = Edit account { $username }
user-create-submit = Create user
user-save-submit = Save changes
user-created = Account { $username } created.
user-saved = Changes to account { $username } saved.
user-username = Username
user-username-hint = 3–64 characters: lower-case letters a–z without accents, digits, dot, underscore, hyphen.
user-display-name = Full name
user-grants = Roles and scope
user-grants-hint = A department or agency officer needs an agency; a commune or ward officer needs a commune or ward. System administrators and auditors must use two-factor authentication to log in.
user-role = Role
user-role-choose = — Choose a role —
user-role-add = Add a role
user-role-remove = Remove this role
user-agency = Agency (department)
user-agency-choose = — Choose an agency —
user-unit = Commune, ward or special zone
user-unit-choose = — Choose a commune or ward —
user-password = Password
user-new-password = Set a new password
user-password-keep = Leave empty to keep the current password.
user-password-field = Password
user-password-confirm = Repeat the password
user-state = Account status
user-disabled = Disable the account (no login possible)
user-disabled-self = You cannot disable your own account.
user-unlock = Unlock and clear the failed logins
user-reset-2fa = Reset two-factor authentication (the user sets it up again at the next login)
user-sessions-note = Changing roles, setting a password, disabling the account or resetting two-factor authentication logs the user out on all devices.

## Form validation

validation-username-required = Enter the username.
validation-username-format = The username has 3–64 characters: lower-case letters a–z without accents, digits, dots, underscores or hyphens.
validation-username-taken = This username is already taken.
validation-name-required = Enter the full name.
validation-password-required = Enter the password.
validation-password-short = The password needs at least 12 characters.
validation-password-long = The password is longer than 256 characters.
validation-password-username = The password must not contain the username.
validation-password-mismatch = The two passwords do not match.
validation-password-same = The new password must differ from the current one.
validation-password-rejected = The server did not accept this password (see the reason below).
validation-grants-required = Assign at least one role.
validation-role-required = Choose a role.
validation-agency-required = Choose the agency of a department or agency officer.
validation-unit-required = Choose the commune or ward of a commune or ward officer.
validation-grant-duplicate = This role is already assigned with the same scope.
validation-code-format = The code has exactly 6 digits.

## Audit trail

audit-heading = Audit trail
audit-intro = The latest events: logins, account changes and denied access. Read only.
audit-col-time = Time
audit-col-actor = Actor
audit-col-action = Action
audit-col-object = Object
audit-col-outcome = Outcome
audit-col-address = Address
audit-empty = No events yet.
audit-outcome-success = Success
audit-outcome-denied = Denied
audit-outcome-failure = Failure

## API keys

nav-api-keys = API keys
keys-heading = API keys
keys-intro = Department and agency systems send data with API keys. Each key writes only to its agency's data sources, or to the sources chosen for it.
keys-col-name = Key name
keys-col-role = Type
keys-col-scope = Agency, data sources
keys-col-created = Created
keys-col-expires = Expires
keys-col-used = Last used
keys-col-state = Status
keys-empty = No API keys yet.
keys-role-agency = Agency system
keys-role-admin = Administration
keys-scope-admin = Whole system
keys-all-sources = All sources of the agency
keys-no-expiry = No expiry
keys-never-used = Never used
keys-state-active = Active
keys-state-expired = Expired
keys-state-revoked = Revoked
key-add = Create API key
key-create-title = Create API key
key-create-submit = Create key
key-name = Key name
key-name-hint = For example: air-station-so-nnmt. The name is used to rotate or revoke the key later.
key-role = Key type
key-role-agency = Agency system (sends data)
key-role-admin = Administration (automation by system administrators)
key-sources = Data sources it may write
key-sources-hint = With no source ticked, the key writes to every source of the agency.
key-expires = Expires after (optional)
key-created = Key { $name } created.
key-issued = New key of { $name }:
key-issued-warning = Copy this key and install it in the agency's system now: the server shows it only once, and afterwards the key can only be rotated.
key-issued-hide = Key saved, hide it
key-rotate = Rotate
key-rotate-named = Rotate key { $name }
key-rotate-confirm = Rotate key { $name }? The old key stops working at once; the system using it needs the new key.
key-rotated = Key { $name } rotated.
key-revoke = Revoke
key-revoke-named = Revoke key { $name }
key-revoke-confirm = Revoke key { $name }? The system using it can no longer send data, and this cannot be undone.
key-revoked = Key { $name } revoked.
validation-key-name-required = Enter the key name.
validation-key-name-long = The key name is longer than 64 characters.
validation-key-agency-required = Choose the agency that uses the key.
validation-date-format = Invalid date, enter it as dd/mm/yyyy.
validation-date-past = The expiry date must be today or later.

## Citizen reports for staff

public-reports-link = File a citizen report
nav-cases = Citizen reports
nav-my-cases = Reports assigned to us
nav-case-stats = Overdue and statistics
case-heading = Citizen reports
case-intro = Receive, sort and assign citizen reports, decide extensions and publish results. Reporter details are masked; reading them in full requires a stated purpose.
case-my-heading = Reports assigned to us
case-my-intro = Reports assigned to your agency or commune: start work, ask for more time, answer with photos.
case-filter-state = Status
case-filter-category = Category
case-filter-commune = Commune or ward
case-filter-text = Search text or number
case-filter-overdue = Overdue only
case-filter-all = All
case-filter-open = Open (not yet handled)
case-col-number = No.
case-col-received = Received
case-col-category = Category, place
case-col-agency = Handling agency
case-col-state = Status
case-col-deadline = Deadline
case-list-empty = No report matches the filters.
case-detail-none = Choose a report in the list to see its details.
case-number = Report { $id }
case-state =
    { $state ->
        [received] Received
        [accepted] Accepted
        [rejected] Rejected
        [assigned] Assigned
        [in_progress] In progress
        [extension_requested] Extension requested
        [resolved] Resolved
        [published] Result published
        [rated] Rated by the reporter
        [closed] Closed
        [reopened] Reopened
        [merged] Merged
       *[other] { $state }
    }
case-deadline-status =
    { $status ->
        [on_track] On track
        [due_soon] Due soon
        [overdue] Overdue
       *[other] { $status }
    }
case-action =
    { $event ->
        [accept] Accept
        [reject] Reject
        [assign] Assign
        [approve_extension] Approve extension
        [refuse_extension] Refuse extension
        [publish] Publish result
        [close] Close report
        [reopen] Send back for rework
        [merge] Merge report
        [start] Start work
        [request_extension] Ask for more time
        [resolve] Answer with the result
       *[other] { $event }
    }
case-event =
    { $event ->
        [receive] Report received
        [accept] Accepted
        [reject] Rejected
        [assign] Assigned
        [approve_extension] Extension approved
        [refuse_extension] Extension refused
        [publish] Result published
        [close] Closed
        [reopen] Sent back for rework
        [merge] Merged
        [start] Work started
        [request_extension] More time asked
        [resolve] Answered
        [rate] Rated by the reporter
        [dispute] Result disputed by the reporter
       *[other] { $event }
    }
case-party =
    { $party ->
        [dispatcher] operator
        [handler] handling unit
        [citizen] citizen
       *[other] { $party }
    }
case-channel =
    { $channel ->
        [web] Public report page
        [phone] Phone
        [open311] Open311
       *[other] { $channel }
    }
case-action-title = { case-action } — report { $id }
case-field-category = Category
case-field-channel = Channel
case-field-received = Received at
case-field-commune = Commune or ward
case-field-agency = Handling agency
case-field-address = Address
case-field-location = Coordinates (latitude; longitude)
case-field-deadline = Deadline
case-field-resolved = Resolved at
case-field-answer = Result
case-field-status-note = Note
case-field-rating = Reporter's rating
case-original-deadline = Original deadline: { $date }
case-read-only = Leaders read reports without taking steps.
case-no-actions = No step is possible in this status.
case-reporter-masked = Reporter (masked)
case-reporter-full = Reporter (in full, recorded in the audit trail)
case-reporter-name = Reporter's name
case-reporter-phone = Phone
case-reporter-email = Email
case-reporter-address = Exact address
case-reporter-reveal = Show full contact details
case-reporter-audited = Every reading is recorded in the audit trail with its purpose.
case-reporter-show = Show
case-purpose = Purpose
case-purpose-example = For example: call back to check the location
case-photos = Photos
case-photo-alt = Photo of { $purpose ->
        [answer] the result
       *[other] the site
    }
case-duplicates = Possible duplicates (same category, within 200 m and 48 hours)
case-merge-into = Merge into report { $id }
case-merge-confirm = Merge report { $id } into report { $into }? Report { $id } will no longer be handled on its own.
case-history = History
case-history-time = Time
case-history-event = Step
case-history-state = Status after the step
case-history-actor = Done by
case-history-note = Note
case-step-done = Report { $id }: { $state }.
case-reason = Reason
case-answer = Answer to the reporter
case-note = Note
case-extra-days = Working days asked for (1–30)
case-answer-photos = Photos of the result (JPEG or PNG, at most 5 MB each, at most 3 photos)
case-keep = Keep as is
case-choose = Choose…
case-description = Description
case-lat = Latitude
case-lon = Longitude
case-phone-open = Take a report by phone
case-phone-submit = Record the report
case-phone-hint = Give coordinates, an address or the commune where it happened. Only operators can read the reporter's details.
case-phone-created = Report { $id } recorded. Read the tracking token to the caller: { $token }
case-validation-category = Choose a category.
case-validation-description = Describe the problem.
case-validation-description-long = At most 4,000 characters.
case-validation-lat = Latitude is a number from -90 to 90, such as 10.9289.
case-validation-lon = Longitude is a number from -180 to 180, such as 108.1021.
case-validation-location = Choose a commune, or give an address or coordinates.
case-validation-phone = A phone number has digits, spaces, dots, hyphens or +, at most 20 characters.
case-validation-reason = Give a reason.
case-validation-answer = Write the answer.
case-validation-assignee = Choose an agency or a commune to handle the report.
case-validation-extra-days = Give a number of working days from 1 to 30.
case-validation-purpose = State why you need the reporter's details.
case-photo-type = Only JPEG or PNG photos are accepted.
case-photo-size = Each photo may be at most 5 MB.
case-photo-count = At most 3 photos.
case-stats-heading = Overdue reports and handling statistics
case-stats-as-of = Figures as of { $date }; { $total } reports in all.
case-overdue-heading = Overdue and due within 24 hours
case-overdue-empty = No report is overdue or due soon.
case-stats-by-agency = By handling agency
case-stats-by-category = By category
case-stats-total = Total
case-stats-on-time = On time
case-stats-late-extended = Late (with extension)
case-stats-late = Late
case-stats-open = In progress
case-stats-open-overdue = Overdue, not handled
case-stats-on-time-share = On-time share
case-unassigned = No agency yet
