# Thông báo của máy chủ Hải Đăng (tiếng Việt).

## Lỗi API

error-internal = Lỗi nội bộ của hệ thống. Vui lòng thử lại sau hoặc báo cho quản trị hệ thống.
error-unauthenticated = Thiếu khóa API hoặc khóa không hợp lệ. Gửi tiêu đề "Authorization: Bearer <khóa>" với một khóa còn hiệu lực.
error-forbidden = Vai trò "{ $role }" không được phép thực hiện thao tác này.
error-not-found = Không tìm thấy { $what } "{ $key }".
error-unit-not-found = Không có đơn vị hành chính mã "{ $code }" hiệu lực ngày { $date }.
error-invalid-parameter = Tham số "{ $field }" có giá trị "{ $value }" không hợp lệ. Cần: { $hint }
error-invalid-body = Nội dung yêu cầu không hợp lệ: { $detail }
error-unsupported-media-type = Kiểu nội dung "{ $value }" không được hỗ trợ. Dùng "application/json" hoặc "text/csv".
error-invalid-input = Không đọc được dữ liệu gửi lên: { $detail }
error-reference-not-found = Trường "{ $field }" tham chiếu "{ $value }" không tồn tại. Hãy tạo nó trước.
error-service-unavailable = Cơ sở dữ liệu chưa sẵn sàng.

## Lý do từ chối dòng dữ liệu

reject-missing-field = Thiếu giá trị cột "{ $field }".
reject-missing-value = Nguồn đánh dấu giá trị là thiếu ("{ $value }" ở cột "{ $field }"); dòng không được lưu như một số đo.
reject-unknown-series = Chuỗi số liệu "{ $series }" chưa được khai báo. Tạo chuỗi bằng PUT /api/v1/series/{ $series } rồi gửi lại dòng này.
reject-invalid-number = Giá trị "{ $value }" ở cột "{ $field }" không phải số hợp lệ. Dùng dấu chấm thập phân, ví dụ 12.5.
reject-out-of-range = Giá trị { $value } nằm ngoài khoảng hợp lệ [{ $min }, { $max }] của chuỗi số liệu.
reject-invalid-time = Thời gian "{ $value }" không hợp lệ. Dùng ISO 8601, ví dụ 2025-07-01T08:00:00+07:00.
reject-malformed-row = Dòng sai cấu trúc: { $detail }.

## Từ dùng trong thông báo

what-series = chuỗi số liệu
what-batch = lô dữ liệu
what-source = nguồn dữ liệu
what-entity = đối tượng
what-indicator = chỉ tiêu
unbounded = không giới hạn
what-route = đường dẫn

## Đăng nhập, phân quyền, kiểm toán

error-forbidden-action = Tài khoản của bạn không có quyền thực hiện thao tác này trong phạm vi được giao.
error-two-factor-required = Cần xác thực hai lớp: nhập mã từ ứng dụng xác thực để tiếp tục.
error-csrf = Yêu cầu bị từ chối vì thiếu mã chống giả mạo (CSRF) hoặc đến từ trang khác. Tải lại trang rồi thử lại.
error-rate-limited = Quá nhiều yêu cầu từ địa chỉ này. Thử lại sau { $seconds } giây.
error-login-failed = Tên đăng nhập hoặc mật khẩu không đúng.
error-login-locked = Tài khoản tạm khóa do nhập sai nhiều lần. Thử lại sau { $until }, hoặc liên hệ quản trị hệ thống để mở khóa.
error-login-throttled = Quá nhiều lần đăng nhập sai từ địa chỉ này. Thử lại sau { $until }.
error-invalid-code = Mã xác thực hai lớp không đúng hoặc đã hết hạn. Nhập mã 6 chữ số đang hiển thị trong ứng dụng xác thực.
error-weak-password = Mật khẩu mới không đạt yêu cầu: { $reason }
error-already-exists = Đã có { $what } "{ $key }".
password-too-short = cần ít nhất 12 ký tự.
password-too-long = dài quá 256 ký tự.
password-common = quá phổ biến, dễ bị đoán. Hãy dùng một cụm từ dài, khó đoán.
password-contains-username = không được chứa tên đăng nhập.
what-user = người dùng
what-api-key = khóa API

## Kết nối dữ liệu (connector)

what-connector = kết nối
connector-required = Thiết lập "{ $field }" đang thiếu hoặc để trống. Hãy điền giá trị cho thiết lập này.
connector-out-of-range = Thiết lập "{ $field }" có giá trị "{ $value }" nằm ngoài khoảng cho phép. Dùng một số từ { $min } đến { $max }.
connector-one-of = Thiết lập "{ $field }" có giá trị "{ $value }" không được chấp nhận. Dùng { $allowed }.
connector-invalid-key = Thiết lập "{ $field }" có giá trị "{ $value }" không phải khóa hợp lệ. Dùng từ 1 đến 128 ký tự gồm A–Z, a–z, 0–9, ".", "_", ":" và "-".
connector-pointer = Thiết lập "{ $field }" có giá trị "{ $value }" không phải JSON pointer. Để trống nếu lấy cả tài liệu, hoặc bắt đầu bằng "/", ví dụ "/pm25".
connector-placeholder = Thiết lập "{ $field }" có giá trị "{ $value }" dùng chỗ thay thế {"{"}{ $placeholder }{"}"}, vốn không có ở đây. Dùng { $allowed }.
connector-topic-filter = Thiết lập "{ $field }" có giá trị "{ $value }" không phải bộ lọc chủ đề MQTT hợp lệ: "+" và "#" phải chiếm trọn một cấp, và "#" phải đứng cuối, ví dụ "tram/+/khong-khi".
connector-cron = Thiết lập "{ $field }" có giá trị "{ $value }" không phải lịch cron hợp lệ ({ $detail }). Dùng 5 hoặc 6 trường, ví dụ "*/15 * * * *" hoặc "0 */15 * * * *".
connector-url = Thiết lập "{ $field }" có giá trị "{ $value }" không phải địa chỉ http:// hoặc https:// hợp lệ.
connector-zone = Thiết lập "{ $field }" có giá trị "{ $value }" không phải múi giờ. Dùng tên IANA, ví dụ Asia/Ho_Chi_Minh.
connector-kind-count = Mỗi kết nối cần đúng một trong các mục mqtt, pull, ngsi_ld và file; hiện có: { $value }.
connector-mapping = Thiết lập "{ $field }" không phải ánh xạ hợp lệ: { $detail }
connector-key-mismatch = Thiết lập "{ $field }" có giá trị "{ $value }" khác khóa kết nối "{ $expected }" trên đường dẫn. Hãy bỏ thiết lập này hoặc để hai giá trị trùng nhau.
error-ngsi-connector-required = Không xác định được kết nối NGSI-LD (đang có { $count } kết nối loại ngsi-ld). Ghi rõ kết nối bằng tham số "?connector=<khóa>" hoặc tiêu đề "NGSILD-Tenant".
error-file-connector-required = Nguồn "{ $source }" có { $count } kết nối loại file. Ghi rõ kết nối bằng tham số "?connector=<khóa>".
error-resubmit-row = Dòng { $row } của lô "{ $batch }" không có lỗi nào đang chờ sửa. Chỉ gửi lại những dòng đang bị từ chối và chưa được xử lý.

## Phản ánh hiện trường (citizen reports)

what-case = phản ánh
what-service = loại phản ánh
what-media = ảnh
what-token = mã theo dõi
what-format = định dạng (dùng đuôi .json hoặc .xml)
error-illegal-transition = Không thể thực hiện bước "{ $event }" khi phản ánh đang ở trạng thái "{ $label }" ({ $state }). Các bước được phép lúc này: { $allowed }.
error-case-wrong-party = Bước "{ $event }" không thực hiện qua đường dẫn này: bước của điều hành viên gửi tới /dispatch, bước của đơn vị xử lý gửi tới /handle, bước của người dân gửi kèm mã theo dõi.
error-photo-too-large = Ảnh lớn hơn { $limit }. Hãy gửi ảnh nhỏ hơn.
error-photo-type = Ảnh phải là JPEG hoặc PNG.
error-not-logged-in = Bạn chưa đăng nhập hoặc phiên làm việc đã hết hạn. Hãy đăng nhập lại.
error-wrong-current-password = Mật khẩu hiện tại không đúng.
error-self-lockout = Bạn không thể tự khóa tài khoản của mình hoặc tự bỏ vai trò quản trị hệ thống. Nhờ một quản trị viên khác thực hiện.

## Gợi ý giá trị đúng trong thông báo lỗi tham số

hint-1-to-5 = từ 1 đến 5
hint-1-to-64-characters = từ 1 đến 64 ký tự
hint-3-to-64-characters-from-a-z-0-9-and = từ 3 đến 64 ký tự gồm a-z, 0-9, '.', '_' và '-'
hint-iso-8601-e-g-2025-07-01t00-00-00-07-00-or-2025-07-01 = ISO 8601, ví dụ 2025-07-01T00:00:00+07:00 hoặc 2025-07-01
hint-w3c-date-and-time-such-as-2026-01-05t00-00-00-07-00 = ngày giờ theo W3C, ví dụ 2026-01-05T00:00:00+07:00
hint-yyyy-mm-dd-e-g-2026-01-01 = YYYY-MM-DD, ví dụ 2026-01-01
hint-a-decimal-number-of-degrees-such-as-10-9289 = số độ thập phân, ví dụ 10.9289
hint-a-finite-number = một số hữu hạn
hint-a-minimum-not-above-the-maximum = giá trị nhỏ nhất không lớn hơn giá trị lớn nhất
hint-a-non-empty-name = một tên không để trống
hint-a-number-from-1-to-1000 = một số từ 1 đến 1000
hint-a-number-of-0-or-more = một số từ 0 trở lên
hint-a-positive-number-of-seconds = một số giây lớn hơn 0
hint-a-service-code-from-services-json = một service_code có trong services.json
hint-a-start-before-to = thời điểm bắt đầu trước `to`
hint-a-time-in-the-future = một thời điểm trong tương lai
hint-a-whole-number-from-1-to-100000 = một số nguyên từ 1 đến 100000
hint-actions-of-the-key-s-role-such-as-push-observations-or-defin = các thao tác thuộc vai trò của khóa, ví dụ push_observations hoặc define_series
hint-admin-operator-leader-agency-officer-commune-officer-or-audi = admin, operator, leader, agency_officer, commune_officer hoặc auditor
hint-agency-or-admin = agency hoặc admin
hint-at-least-one-role = ít nhất một vai trò
hint-at-most-3-photos = tối đa 3 ảnh
hint-avg-min-max-sum-count-or-last = avg, min, max, sum, count hoặc last
hint-base64-of-a-jpeg-or-png = ảnh JPEG hoặc PNG mã hóa base64
hint-json-or-csv = json hoặc csv
hint-open-or-closed = open hoặc closed
hint-open-resolved-or-all = open, resolved hoặc all
hint-published-rated-or-closed = published, rated hoặc closed
hint-raw-hour-day-or-month = raw, hour, day hoặc month
hint-success-denied-or-failure = success, denied hoặc failure
hint-the-agency-of-an-agency-officer = sở, ngành của cán bộ sở, ngành
hint-the-agency-whose-system-uses-the-key = sở, ngành có hệ thống dùng khóa này
hint-the-commune-of-a-commune-officer = xã, phường của cán bộ xã, phường
hint-the-key-of-one-of-your-agency-s-sources = mã của một nguồn dữ liệu thuộc đơn vị bạn
hint-the-number-of-the-rejected-row = số thứ tự của dòng bị từ chối
hint-the-reason-for-the-export-at-least-5-characters = lý do xuất dữ liệu, ít nhất 5 ký tự
hint-use-1-to-128-characters-from-a-z-a-z-0-9-and = dùng từ 1 đến 128 ký tự gồm A-Z, a-z, 0-9, '.', '_', ':' và '-'
hint-use-the-gso-code-2-digits-province-3-district-or-5-commune = dùng mã của Tổng cục Thống kê: 2 chữ số (tỉnh), 3 (huyện) hoặc 5 (xã)
hint-utf-8-utf-16-or-windows-1258 = utf-8, utf-16 hoặc windows-1258
hint-1-to-30-working-days = từ 1 đến 30 ngày làm việc
hint-wgs-84-degrees = số độ theo WGS 84
hint-a-commune-code-in-force-today-from-api-v1-units = mã xã, phường đang có hiệu lực, lấy từ /api/v1/units
hint-a-description-of-the-problem = mô tả sự việc
hint-a-location-lat-and-long-address-string-or-a-commune = một vị trí: lat và long, address_string hoặc một xã, phường
hint-a-reason-or-answer-for-this-step = lý do hoặc nội dung trả lời cho bước này
hint-accept-reject-assign-start-request-extension-approve-extensi = accept, reject, assign, start, request_extension, approve_extension, refuse_extension, resolve, publish, close, reopen, merge, rate hoặc dispute
hint-an-address-such-as-ten-example-vn = một địa chỉ như ten@example.vn
hint-an-agency-or-a-commune-to-assign-the-case-to = sở, ngành hoặc xã, phường được giao xử lý
hint-both-lat-and-long = cả lat và long
hint-digits-such-as-0912345678 = chữ số, ví dụ 0912345678
hint-one-of-the-listed-keys = một trong các mã được liệt kê
hint-the-number-of-the-case-to-merge-into = số của phản ánh được gộp vào
