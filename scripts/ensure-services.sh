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

# The MQTT tests start brokers of their own; the system Mosquitto must be installed (the
# tests run its binary) and is kept running on 127.0.0.1:1883 for local work.
mosquitto_ready() {
    (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null
}

if ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then
    echo "Mosquitto is not installed; installing it from Debian"
    apt_install mosquitto
fi

if ! mosquitto_ready; then
    echo "starting Mosquitto"
    mkdir -p /run/mosquitto /var/log/mosquitto
    if id mosquitto >/dev/null 2>&1; then
        chown mosquitto: /run/mosquitto /var/log/mosquitto
    fi
    PATH="$PATH:/usr/sbin" mosquitto -d -c /etc/mosquitto/mosquitto.conf || true
    for _ in $(seq 1 20); do
        mosquitto_ready && break
        sleep 0.5
    done
fi

if ! mosquitto_ready; then
    echo "error: Mosquitto is not reachable on 127.0.0.1:1883" >&2
    exit 1
fi
echo "Mosquitto ready on 127.0.0.1:1883"
