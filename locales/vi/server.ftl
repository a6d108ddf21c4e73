# Thông báo của máy chủ Hải Đăng (tiếng Việt).

## Lỗi API

error-internal = Lỗi nội bộ của hệ thống. Vui lòng thử lại sau hoặc báo cho quản trị hệ thống.
error-unauthenticated = Thiếu khóa API hoặc khóa không hợp lệ. Gửi tiêu đề "Authorization: Bearer <khóa>" với một khóa còn hiệu lực.
error-forbidden = Vai trò "{ $role }" không được phép thực hiện thao tác này.
error-not-found = Không tìm thấy { $what } "{ $key }".
error-unit-not-found = Không có đơn vị hành chính mã "{ $code }" hiệu lực ngày { $date }.
error-invalid-parameter = Tham số "{ $field }" có giá trị "{ $value }" không hợp lệ: { $hint }
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
