# Vietnamese messages of the Hải Đăng web page. Every message here must also
# exist in locales/en/web.ftl with the same variables.

## Page header and footer

page-title = Hải Đăng — Trung tâm Giám sát, điều hành đô thị thông minh
app-name = Hải Đăng
app-subtitle = Trung tâm Giám sát, điều hành đô thị thông minh
deployment-default = Lâm Đồng (khu vực Bình Thuận cũ)
lang-switch-label = Ngôn ngữ
loading = Đang tải…
load-failed = Không tải được dữ liệu: { $message }
footer-attributions = Nguồn dữ liệu và ghi công
footer-note = Giờ hiển thị theo múi giờ Việt Nam (UTC+7).

## Map

map-heading = Bản đồ
map-label = Bản đồ tỉnh với ranh giới hành chính, trạm quan trắc và đường đi của bão
layer-province = Ranh giới tỉnh
layer-districts = Huyện cũ (trước 01/07/2025)
layer-stations = Trạm quan trắc
layer-typhoons = Đường đi của bão
boundary-province = Tỉnh
boundary-district = huyện cũ (trước 01/07/2025)
station-kind =
    { $kind ->
        [air_station] Trạm quan trắc không khí
        [weather_station] Trạm khí tượng
        [hydro_station] Trạm thủy văn
       *[other] { $kind }
    }
station-hanoi-reference = Trạm tham chiếu tại Hà Nội (không thuộc tỉnh)
simulated-data = dữ liệu mô phỏng
station-series = Chuỗi dữ liệu
station-no-series = Trạm chưa có chuỗi dữ liệu.
typhoon-year = Năm { $year }
typhoon-period = Thời gian: { $start } – { $end }
typhoon-grade = Cường độ mạnh nhất: { $grade }
typhoon-distance = Khoảng cách gần nhất tới tỉnh: { $distance } km
typhoon-legend = Cường độ bão
grade-depression = Áp thấp nhiệt đới (dưới cấp 8)
grade-storm = Bão (cấp 8–9)
grade-severe = Bão mạnh (cấp 10–11)
grade-typhoon = Bão rất mạnh trở lên (từ cấp 12)
grade-unknown = Chưa rõ cường độ
units-summary = Đơn vị hành chính hiện hành ngày { $date }: { $communes } xã, phường, đặc khu
map-empty = Chưa có ranh giới tỉnh để hiển thị.

## Chart

chart-heading = Biểu đồ số liệu
chart-series = Chuỗi dữ liệu
chart-step = Bước thời gian
step-raw = Thô
step-hour = Giờ
step-day = Ngày
chart-agg = Tổng hợp
agg-avg = Trung bình
agg-max = Lớn nhất
agg-min = Nhỏ nhất
chart-from = Từ ngày
chart-to = Đến ngày
chart-source = Nguồn: { $source } · Đơn vị: { $agency }
chart-latest = Giá trị mới nhất: { $value } { $unit } lúc { $time }
chart-points = { $count } điểm số liệu
chart-no-data = Không có số liệu trong khoảng thời gian đã chọn.
chart-no-series = Chưa có chuỗi dữ liệu nào.
chart-invalid-date = Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.
chart-pick-date = Chọn ngày
chart-invalid-range = Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.
chart-value = Giá trị
series-no-source = Không rõ nguồn
series-simulated = { $name } (mô phỏng)

## Data sources table

sources-heading = Nguồn dữ liệu
col-name = Tên
col-agency = Đơn vị
col-person = Người phụ trách
col-series = Số chuỗi
col-received = Nhận lần cuối
col-observed = Thời điểm quan trắc gần nhất
col-status = Trạng thái
status-fresh = Đang cập nhật
status-stale = Chậm cập nhật
status-never = Chưa có dữ liệu
badge-simulated = mô phỏng
sources-empty = Chưa có nguồn dữ liệu nào.
