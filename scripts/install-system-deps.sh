#!/usr/bin/env bash
# Debian packages the tests need: Chromium opens the HTML reports as a reader would; a real
# redis-server and PostgreSQL server back the scale-out tests (the suite starts its own
# throw-away instances on 127.0.0.1; nothing is configured system-wide).
# Installs only what is missing; needs root or sudo on a fresh machine.
set -euo pipefail

have_postgres() {
    command -v pg_ctl >/dev/null 2>&1 && return 0
    compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null
}

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
have_postgres || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install-system-deps: need root to install ${missing[*]} (apt-get); install them and retry" >&2
    exit 1
fi
echo "installing Debian packages: ${missing[*]}" >&2
$sudo apt-get update -qq
# policy-rc.d: install the servers without starting system-wide services (tests start their own).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy"
    created_policy=1
fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ "$created_policy" -eq 1 ]; then $sudo rm -f "$policy"; fi
