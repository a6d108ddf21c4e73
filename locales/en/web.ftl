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
