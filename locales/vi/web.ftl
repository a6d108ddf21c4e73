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

## Accounts: login, second factor, logout

refresh = Làm mới
dialog-cancel = Hủy
nav-label = Chức năng
nav-dashboard = Giám sát, điều hành
nav-users = Quản trị người dùng
nav-audit = Nhật ký hoạt động
login-button = Đăng nhập
login-continue = Tiếp tục đăng nhập
login-title = Đăng nhập
login-username = Tên đăng nhập
login-password = Mật khẩu
login-submit = Đăng nhập
login-welcome = Xin chào { $name }.
logout-button = Đăng xuất
logout-all-button = Đăng xuất mọi thiết bị
logout-done = Đã đăng xuất.
logout-all-done = Đã đăng xuất khỏi mọi thiết bị.
session-expired = Phiên đăng nhập đã kết thúc. Hãy đăng nhập lại.
two-factor-title = Xác thực hai lớp
two-factor-setup-intro = Vai trò của bạn bắt buộc xác thực hai lớp. Đây là lần thiết lập đầu tiên: thêm tài khoản vào ứng dụng xác thực trên điện thoại (ứng dụng tạo mã TOTP), rồi nhập mã ứng dụng hiển thị.
two-factor-step-app = Mở ứng dụng xác thực và chọn thêm tài khoản.
two-factor-step-qr = Quét mã QR này bằng ứng dụng:
two-factor-qr-label = Mã QR chứa địa chỉ thiết lập xác thực hai lớp
two-factor-step-secret = Hoặc chọn nhập khóa thủ công và nhập khóa bí mật sau (loại mã theo thời gian, 6 chữ số, 30 giây):
two-factor-step-url = Hoặc, nếu ứng dụng nhận địa chỉ thiết lập, dán địa chỉ sau:
two-factor-step-code = Nhập mã 6 chữ số đang hiển thị trong ứng dụng vào ô dưới đây.
two-factor-secret-warning = Giữ kín khóa bí mật: không chụp màn hình gửi đi, không chia sẻ qua thư điện tử hay tin nhắn.
two-factor-prompt = Nhập mã 6 chữ số từ ứng dụng xác thực để hoàn tất đăng nhập.
two-factor-resume = Nếu chưa thêm tài khoản vào ứng dụng xác thực, hãy hủy rồi đăng nhập lại để xem lại khóa bí mật.
two-factor-code = Mã xác thực
two-factor-submit = Xác nhận

## Accounts: own password

password-open = Đổi mật khẩu
password-title = Đổi mật khẩu
password-rules = Mật khẩu mới cần ít nhất 12 ký tự, không chứa tên đăng nhập và không phải mật khẩu phổ biến. Nên dùng một cụm từ dài, dễ nhớ với bạn nhưng khó đoán với người khác.
password-current = Mật khẩu hiện tại
password-new = Mật khẩu mới
password-confirm = Nhập lại mật khẩu mới
password-change-note = Sau khi đổi, mọi phiên đăng nhập của bạn kết thúc; hãy đăng nhập lại bằng mật khẩu mới.
password-submit = Đổi mật khẩu
password-changed = Đã đổi mật khẩu. Hãy đăng nhập lại bằng mật khẩu mới.
password-current-wrong = Mật khẩu hiện tại không đúng.

## Roles

role-admin = Quản trị hệ thống
role-operator = Điều hành viên IOC
role-leader = Lãnh đạo UBND tỉnh
role-agency-officer = Cán bộ sở, ngành
role-commune-officer = Cán bộ xã, phường
role-auditor = Kiểm tra, giám sát

## User administration

users-heading = Quản trị người dùng
users-intro = Tạo tài khoản, giao vai trò và phạm vi, khóa hoặc mở khóa tài khoản. Mọi thay đổi đều được ghi vào nhật ký hoạt động.
users-col-username = Tên đăng nhập
users-col-name = Họ và tên
users-col-roles = Vai trò và phạm vi
users-col-2fa = Xác thực hai lớp
users-col-state = Trạng thái
users-col-actions = Thao tác
users-empty = Chưa có tài khoản nào.
users-edit = Sửa
users-edit-named = Sửa tài khoản { $username }
users-2fa-on = Đã bật
users-2fa-pending = Chờ thiết lập
users-2fa-off = Chưa bật
users-state-active = Đang hoạt động
users-state-disabled = Đã vô hiệu hóa
users-state-locked = Tạm khóa đến { $until }
users-failed-logins = { $count } lần đăng nhập sai
user-add = Thêm người dùng
user-create-title = Thêm người dùng
user-edit-title = Sửa tài khoản { $username }
user-create-submit = Tạo người dùng
user-save-submit = Lưu thay đổi
user-created = Đã tạo tài khoản { $username }.
user-saved = Đã lưu thay đổi của tài khoản { $username }.
user-username = Tên đăng nhập
user-username-hint = 3–64 ký tự: chữ thường không dấu a–z, chữ số, dấu chấm, gạch dưới, gạch ngang.
user-display-name = Họ và tên
user-grants = Vai trò và phạm vi
user-grants-hint = Cán bộ sở, ngành cần chọn đơn vị; cán bộ xã, phường cần chọn xã, phường. Quản trị hệ thống và Kiểm tra, giám sát bắt buộc xác thực hai lớp khi đăng nhập.
user-role = Vai trò
user-role-choose = — Chọn vai trò —
user-role-add = Thêm vai trò
user-role-remove = Bỏ vai trò này
user-agency = Đơn vị (sở, ngành)
user-agency-choose = — Chọn đơn vị —
user-unit = Xã, phường, đặc khu
user-unit-choose = — Chọn xã, phường —
user-password = Mật khẩu
user-new-password = Đặt mật khẩu mới
user-password-keep = Để trống nếu không đổi mật khẩu.
user-password-field = Mật khẩu
user-password-confirm = Nhập lại mật khẩu
user-state = Trạng thái tài khoản
user-disabled = Vô hiệu hóa tài khoản (không đăng nhập được)
user-disabled-self = Bạn không thể tự vô hiệu hóa tài khoản của mình.
user-unlock = Mở khóa và xóa số lần đăng nhập sai
user-reset-2fa = Đặt lại xác thực hai lớp (người dùng thiết lập lại ở lần đăng nhập sau)
user-sessions-note = Đổi vai trò, đặt mật khẩu, vô hiệu hóa hoặc đặt lại xác thực hai lớp sẽ đăng xuất người dùng khỏi mọi thiết bị.

## Form validation

validation-username-required = Nhập tên đăng nhập.
validation-username-format = Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu a–z, chữ số, dấu chấm, gạch dưới hoặc gạch ngang.
validation-username-taken = Tên đăng nhập này đã được dùng.
validation-name-required = Nhập họ và tên.
validation-password-required = Nhập mật khẩu.
validation-password-short = Mật khẩu cần ít nhất 12 ký tự.
validation-password-long = Mật khẩu dài quá 256 ký tự.
validation-password-username = Mật khẩu không được chứa tên đăng nhập.
validation-password-mismatch = Hai lần nhập mật khẩu không khớp.
validation-password-same = Mật khẩu mới phải khác mật khẩu hiện tại.
validation-password-rejected = Máy chủ không chấp nhận mật khẩu này (xem lý do bên dưới).
validation-grants-required = Giao ít nhất một vai trò.
validation-role-required = Chọn vai trò.
validation-agency-required = Chọn đơn vị cho cán bộ sở, ngành.
validation-unit-required = Chọn xã, phường cho cán bộ xã, phường.
validation-grant-duplicate = Vai trò này đã được giao với cùng phạm vi.
validation-code-format = Mã xác thực gồm đúng 6 chữ số.

## Audit trail

audit-heading = Nhật ký hoạt động
audit-intro = Các sự kiện mới nhất: đăng nhập, thay đổi tài khoản và truy cập bị từ chối. Chỉ xem, không sửa được.
audit-col-time = Thời điểm
audit-col-actor = Người thực hiện
audit-col-action = Hành động
audit-col-object = Đối tượng
audit-col-outcome = Kết quả
audit-col-address = Địa chỉ
audit-empty = Chưa có sự kiện nào.
audit-outcome-success = Thành công
audit-outcome-denied = Bị từ chối
audit-outcome-failure = Thất bại

## API keys

nav-api-keys = Khóa API
keys-heading = Khóa API
keys-intro = Hệ thống của các sở, ngành gửi số liệu bằng khóa API. Mỗi khóa chỉ ghi được vào nguồn dữ liệu của đơn vị mình, hoặc các nguồn được chọn.
keys-col-name = Tên khóa
keys-col-role = Loại
keys-col-scope = Đơn vị, nguồn dữ liệu
keys-col-created = Tạo lúc
keys-col-expires = Hết hạn
keys-col-used = Dùng lần cuối
keys-col-state = Trạng thái
keys-empty = Chưa có khóa API nào.
keys-role-agency = Hệ thống của đơn vị
keys-role-admin = Quản trị
keys-scope-admin = Toàn hệ thống
keys-all-sources = Mọi nguồn của đơn vị
keys-no-expiry = Không hết hạn
keys-never-used = Chưa dùng
keys-state-active = Đang dùng được
keys-state-expired = Đã hết hạn
keys-state-revoked = Đã thu hồi
key-add = Tạo khóa API
key-create-title = Tạo khóa API
key-create-submit = Tạo khóa
key-name = Tên khóa
key-name-hint = Ví dụ: tram-quan-trac-so-nnmt. Tên dùng để đổi hoặc thu hồi khóa sau này.
key-role = Loại khóa
key-role-agency = Hệ thống của đơn vị (gửi số liệu)
key-role-admin = Quản trị (tự động hóa của quản trị hệ thống)
key-sources = Nguồn dữ liệu được ghi
key-sources-hint = Không chọn nguồn nào thì khóa ghi được vào mọi nguồn của đơn vị.
key-expires = Hết hạn sau ngày (không bắt buộc)
key-created = Đã tạo khóa { $name }.
key-issued = Khóa mới của { $name }:
key-issued-warning = Sao chép khóa này và cài vào hệ thống của đơn vị ngay bây giờ: máy chủ chỉ hiển thị khóa một lần, sau đó chỉ có thể đổi khóa mới.
key-issued-hide = Đã lưu khóa, ẩn đi
key-rotate = Đổi khóa
key-rotate-named = Đổi khóa { $name }
key-rotate-confirm = Đổi khóa { $name }? Khóa cũ ngừng hoạt động ngay; hệ thống đang dùng nó phải cài khóa mới.
key-rotated = Đã đổi khóa { $name }.
key-revoke = Thu hồi
key-revoke-named = Thu hồi khóa { $name }
key-revoke-confirm = Thu hồi khóa { $name }? Hệ thống dùng khóa này sẽ không gửi được số liệu nữa, và không thể hoàn tác.
key-revoked = Đã thu hồi khóa { $name }.
validation-key-name-required = Nhập tên khóa.
validation-key-name-long = Tên khóa dài quá 64 ký tự.
validation-key-agency-required = Chọn đơn vị dùng khóa.
validation-date-format = Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.
validation-date-past = Ngày hết hạn phải từ hôm nay trở đi.

## Citizen reports for staff

public-reports-link = Gửi phản ánh hiện trường
nav-cases = Phản ánh hiện trường
nav-my-cases = Phản ánh được giao
nav-case-stats = Quá hạn và thống kê
case-heading = Phản ánh hiện trường
case-intro = Tiếp nhận, phân loại, giao xử lý, duyệt gia hạn và công khai kết quả phản ánh của người dân. Thông tin người phản ánh được che; xem bản đầy đủ phải ghi mục đích.
case-my-heading = Phản ánh được giao
case-my-intro = Các phản ánh giao cho đơn vị của bạn: bắt đầu xử lý, đề nghị gia hạn, trả lời kết quả kèm ảnh.
case-filter-state = Trạng thái
case-filter-category = Loại phản ánh
case-filter-commune = Xã, phường
case-filter-text = Tìm theo nội dung, số
case-filter-overdue = Chỉ phản ánh quá hạn
case-filter-all = Tất cả
case-filter-open = Đang mở (chưa xử lý xong)
case-col-number = Số
case-col-received = Tiếp nhận
case-col-category = Loại, nơi xảy ra
case-col-agency = Đơn vị xử lý
case-col-state = Trạng thái
case-col-deadline = Hạn xử lý
case-list-empty = Không có phản ánh nào khớp bộ lọc.
case-detail-none = Chọn một phản ánh trong danh sách để xem chi tiết.
case-number = Phản ánh số { $id }
case-state =
    { $state ->
        [received] Mới tiếp nhận
        [accepted] Đã tiếp nhận xử lý
        [rejected] Từ chối
        [assigned] Đã chuyển xử lý
        [in_progress] Đang xử lý
        [extension_requested] Đề nghị gia hạn
        [resolved] Đã xử lý
        [published] Đã công khai kết quả
        [rated] Người dân đã đánh giá
        [closed] Đã đóng
        [reopened] Mở lại
        [merged] Đã gộp
       *[other] { $state }
    }
case-deadline-status =
    { $status ->
        [on_track] Trong hạn
        [due_soon] Sắp đến hạn
        [overdue] Quá hạn
       *[other] { $status }
    }
case-action =
    { $event ->
        [accept] Tiếp nhận
        [reject] Từ chối
        [assign] Giao xử lý
        [approve_extension] Duyệt gia hạn
        [refuse_extension] Không duyệt gia hạn
        [publish] Công khai kết quả
        [close] Đóng phản ánh
        [reopen] Trả lại để xử lý lại
        [merge] Gộp phản ánh
        [start] Bắt đầu xử lý
        [request_extension] Đề nghị gia hạn
        [resolve] Trả lời kết quả
       *[other] { $event }
    }
case-event =
    { $event ->
        [receive] Tiếp nhận phản ánh
        [accept] Tiếp nhận xử lý
        [reject] Từ chối
        [assign] Giao xử lý
        [approve_extension] Duyệt gia hạn
        [refuse_extension] Không duyệt gia hạn
        [publish] Công khai kết quả
        [close] Đóng
        [reopen] Trả lại để xử lý lại
        [merge] Gộp
        [start] Bắt đầu xử lý
        [request_extension] Đề nghị gia hạn
        [resolve] Trả lời kết quả
        [rate] Người dân đánh giá
        [dispute] Người dân khiếu nại kết quả
       *[other] { $event }
    }
case-party =
    { $party ->
        [dispatcher] điều hành viên
        [handler] đơn vị xử lý
        [citizen] người dân
       *[other] { $party }
    }
case-channel =
    { $channel ->
        [web] Trang phản ánh công khai
        [phone] Điện thoại
        [open311] Open311
       *[other] { $channel }
    }
case-action-title = { case-action } — phản ánh số { $id }
case-field-category = Loại phản ánh
case-field-channel = Kênh tiếp nhận
case-field-received = Thời điểm tiếp nhận
case-field-commune = Xã, phường
case-field-agency = Đơn vị xử lý
case-field-address = Địa chỉ
case-field-location = Tọa độ (vĩ độ; kinh độ)
case-field-deadline = Hạn xử lý
case-field-resolved = Thời điểm xử lý xong
case-field-answer = Kết quả xử lý
case-field-status-note = Ghi chú
case-field-rating = Đánh giá của người dân
case-original-deadline = Hạn ban đầu: { $date }
case-read-only = Lãnh đạo chỉ xem, không thao tác trên phản ánh.
case-no-actions = Không có thao tác nào ở trạng thái này.
case-reporter-masked = Người phản ánh (đã che)
case-reporter-full = Người phản ánh (đầy đủ, đã ghi nhật ký)
case-reporter-name = Họ và tên người phản ánh
case-reporter-phone = Số điện thoại
case-reporter-email = Thư điện tử
case-reporter-address = Địa chỉ chính xác
case-reporter-reveal = Xem thông tin liên hệ đầy đủ
case-reporter-audited = Mỗi lần xem được ghi vào nhật ký kiểm toán cùng mục đích.
case-reporter-show = Xem
case-purpose = Mục đích xem
case-purpose-example = Ví dụ: gọi lại xác minh vị trí
case-photos = Ảnh
case-photo-alt = Ảnh { $purpose ->
        [answer] kết quả xử lý
       *[other] hiện trường
    }
case-duplicates = Phản ánh có thể trùng (cùng loại, trong 200 m và 48 giờ)
case-merge-into = Gộp vào phản ánh số { $id }
case-merge-confirm = Gộp phản ánh số { $id } vào phản ánh số { $into }? Phản ánh số { $id } sẽ không còn được xử lý riêng.
case-history = Quá trình xử lý
case-history-time = Thời điểm
case-history-event = Bước
case-history-state = Trạng thái sau bước
case-history-actor = Người thực hiện
case-history-note = Ghi chú
case-step-done = Phản ánh số { $id }: { $state }.
case-reason = Lý do
case-answer = Nội dung trả lời người dân
case-note = Ghi chú
case-extra-days = Số ngày làm việc xin thêm (1–30)
case-answer-photos = Ảnh kết quả (JPEG hoặc PNG, tối đa 5 MB mỗi ảnh, tối đa 3 ảnh)
case-keep = Giữ nguyên
case-choose = Chọn…
case-description = Nội dung phản ánh
case-lat = Vĩ độ
case-lon = Kinh độ
case-phone-open = Nhận phản ánh qua điện thoại
case-phone-submit = Ghi nhận phản ánh
case-phone-hint = Cần tọa độ, địa chỉ hoặc xã, phường nơi xảy ra. Thông tin người phản ánh chỉ điều hành viên xem được.
case-phone-created = Đã ghi nhận phản ánh số { $id }. Đọc cho người phản ánh mã theo dõi: { $token }
case-validation-category = Chọn loại phản ánh.
case-validation-description = Nhập nội dung phản ánh.
case-validation-description-long = Nội dung tối đa 4.000 ký tự.
case-validation-lat = Vĩ độ là số từ -90 đến 90, ví dụ 10,9289.
case-validation-lon = Kinh độ là số từ -180 đến 180, ví dụ 108,1021.
case-validation-location = Chọn xã, phường, hoặc nhập địa chỉ hay tọa độ nơi xảy ra.
case-validation-phone = Số điện thoại chỉ gồm chữ số, dấu cách, dấu chấm, gạch ngang hoặc dấu +, tối đa 20 ký tự.
case-validation-reason = Nhập lý do.
case-validation-answer = Nhập nội dung trả lời.
case-validation-assignee = Chọn đơn vị hoặc xã, phường nhận xử lý.
case-validation-extra-days = Nhập số ngày làm việc từ 1 đến 30.
case-validation-purpose = Ghi mục đích xem thông tin người phản ánh.
case-photo-type = Chỉ nhận ảnh JPEG hoặc PNG.
case-photo-size = Mỗi ảnh tối đa 5 MB.
case-photo-count = Tối đa 3 ảnh.
case-stats-heading = Phản ánh quá hạn và thống kê xử lý
case-stats-as-of = Số liệu lúc { $date }; tổng số { $total } phản ánh.
case-overdue-heading = Quá hạn và sắp đến hạn (trong 24 giờ)
case-overdue-empty = Không có phản ánh quá hạn hay sắp đến hạn.
case-stats-by-agency = Theo đơn vị xử lý
case-stats-by-category = Theo loại phản ánh
case-stats-total = Tổng số
case-stats-on-time = Đúng hạn
case-stats-late-extended = Trễ hạn (có gia hạn)
case-stats-late = Trễ hạn
case-stats-open = Đang xử lý
case-stats-open-overdue = Quá hạn chưa xử lý
case-stats-on-time-share = Tỷ lệ đúng hạn
case-unassigned = Chưa giao đơn vị
