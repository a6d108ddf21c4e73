#!/usr/bin/env bash
# Makes sure the PostgreSQL server that the tests use is installed, running and reachable
# on 127.0.0.1:5432. Installs it from Debian when missing. Exits non-zero when the server
# cannot be reached, so that the tests fail instead of skipping.
set -euo pipefail

apt_updated=0
apt_install() {
    if [ "$apt_updated" = 0 ]; then
        apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

postgres_ready() {
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null
}

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "PostgreSQL is not installed; installing it from Debian"
    apt_install postgresql
fi

if ! postgres_ready; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do
        postgres_ready && break
        sleep 1
    done
fi

if ! postgres_ready; then
    echo "error: PostgreSQL is not reachable on 127.0.0.1:5432" >&2
    exit 1
fi

# The tests connect as postgres without a password over TCP.
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; then
    echo "error: cannot log in to PostgreSQL on 127.0.0.1:5432 as postgres without a password;" >&2
    echo "       allow 'host all all 127.0.0.1/32 trust' in pg_hba.conf for the test server" >&2
    exit 1
fi
echo "PostgreSQL ready on 127.0.0.1:5432"
