#!/usr/bin/env bash
# Starts the demo on a free loopback port with a fresh SQLite database, runs the browser
# tests in Chromium against it, and stops the server.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
binary="${CARGO_TARGET_DIR:-$root/target}/debug/haidang"
workdir=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cleanup() {
    if [ -n "${server_pid:-}" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$workdir"
}
trap cleanup EXIT

cd "$root"
"$binary" demo --listen "127.0.0.1:$port" --database-url "sqlite://$workdir/haidang.db" --data-dir "$root/data" \
    >"$workdir/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; then
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "error: the demo server exited; its log follows" >&2
        cat "$workdir/server.log" >&2
        exit 1
    fi
    sleep 0.5
done

# The demo has no users; the login tests need an administrator.
admin_password="Ngọn hải đăng sáng 2026"
if ! echo "$admin_password" | "$binary" user create --username admin --display-name "Quản trị viên" --role admin \
    --database-url "sqlite://$workdir/haidang.db" >"$workdir/user.log" 2>&1; then
    echo "error: could not create the administrator" >&2
    cat "$workdir/user.log" >&2
    exit 1
fi

# The citizen report test drives an operator and an officer of the Department of Construction.
staff_password="Phản ánh được xử lý đúng hạn 2026"
for account in "dieuhanh|Điều hành viên|operator|" "soxd|Cán bộ Sở Xây dựng|agency_officer|--agency so-xd"; do
    IFS='|' read -r username display role scope <<<"$account"
    # shellcheck disable=SC2086 # $scope holds zero or two words.
    if ! echo "$staff_password" | "$binary" user create --username "$username" --display-name "$display" \
        --role "$role" $scope --database-url "sqlite://$workdir/haidang.db" >>"$workdir/user.log" 2>&1; then
        echo "error: could not create the user $username" >&2
        cat "$workdir/user.log" >&2
        exit 1
    fi
done

cd "$root/web"
if ! HAIDANG_E2E_URL="http://127.0.0.1:$port" HAIDANG_E2E_ADMIN_PASSWORD="$admin_password" \
    HAIDANG_E2E_STAFF_PASSWORD="$staff_password" npm run --silent e2e; then
    echo "the demo server's log follows" >&2
    tail -n 50 "$workdir/server.log" >&2
    exit 1
fi
