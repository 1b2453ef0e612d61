#!/usr/bin/env bash
# forget-all.sh DCRWIZARD: removes every registration the keychain and index
# hold. scripts/bench/run.sh runs it, untimed, between rounds, so each timed
# `dcrwizard register` meets a keychain of a user's size rather than one that
# grew with every run (gnome-keyring's writes slow down as it fills). Only
# inside scripts/with-secret-service.sh: it must never touch a real keychain.
set -euo pipefail
if [ "${DCRWIZARD_SECRET_SERVICE:-}" != 1 ]; then
	echo "$0: only inside scripts/with-secret-service.sh (it forgets every registration)" >&2
	exit 1
fi
bin=$1
"$bin" list --json | jq -r '.[].client_id' | while read -r id; do
	"$bin" forget "$id" --yes >/dev/null
done
