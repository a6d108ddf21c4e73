# Two entry points: `make run` serves the demo on http://127.0.0.1:8080 and `make test`
# runs every test (Rust on SQLite and PostgreSQL, web unit tests, Chromium end to end).

CARGO ?= cargo
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/package.json locales -type f 2>/dev/null)
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test web test-deps lint test-rust test-web test-e2e bench bench-mqtt clean-data

run: web/dist/index.html
	$(CARGO) build -p haidang
	$${CARGO_TARGET_DIR:-target}/debug/haidang demo --listen $${HAIDANG_LISTEN:-127.0.0.1:8080}

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build

web: web/dist/index.html

test-deps: web/node_modules/.package-lock.json
	bash scripts/ensure-services.sh
	bash scripts/ensure-browser.sh

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	HAIDANG_TEST_POSTGRES_URL=$(POSTGRES_URL) $(CARGO) test --workspace

test-web: web/dist/index.html
	cd web && npm test

test-e2e: web/dist/index.html
	$(CARGO) build -p haidang
	bash scripts/e2e.sh

test: test-deps lint test-rust test-web test-e2e

bench:
	$(CARGO) bench -p haidang-ingest --bench csv_ingest

# MQTT messages per second from a private Mosquitto broker to durable storage, beside a
# bare subscriber that only counts them (needs the mosquitto binary).
bench-mqtt:
	$(CARGO) bench -p haidang-connectors --bench mqtt_ingest
