#!/usr/bin/env bash
# openssl-curl.sh: the three ATO DCR steps (private-key JWT, access token,
# registration) with openssl, curl and jq — the script a support person would
# write instead of using dcrwizard. scripts/bench/run.sh times it as the
# baseline for `dcrwizard register`. It keeps nothing: it prints the client id.
#
# Environment:
#   PEM                certificate chain (leaf first) and encrypted private key
#   PASSWORD_FILE      the key's password
#   TOKEN_URL REGISTRATION_URL CLIENT_ID SCOPE API_KEY NAME
set -euo pipefail

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

# Step 1: the private-key JWT (RFC 7523), x5c = the signing certificate only.
cert=$(openssl x509 -in "$PEM" -outform DER | base64 -w0)
now=$(date +%s)
jti=$(cat /proc/sys/kernel/random/uuid)
header=$(printf '{"alg":"RS256","typ":"JWT","x5c":["%s"]}' "$cert" | b64url)
claims=$(printf '{"aud":"%s","iss":"%s","sub":"%s","jti":"%s","iat":%d,"exp":%d}' \
	"$TOKEN_URL" "$CLIENT_ID" "$CLIENT_ID" "$jti" "$now" $((now + 300)) | b64url)
sig=$(printf '%s.%s' "$header" "$claims" |
	openssl dgst -sha256 -sign "$PEM" -passin "file:$PASSWORD_FILE" | b64url)

# Step 2: the access token.
token=$(curl -sS --fail-with-body "$TOKEN_URL" \
	--data-urlencode grant_type=client_credentials \
	--data-urlencode "scope=$SCOPE" \
	--data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \
	--data-urlencode "client_assertion=$header.$claims.$sig" | jq -er .access_token)

# Step 3: the registration.
body=$(jq -cn --arg n "$NAME" --arg k "$API_KEY" --arg c "$cert" \
	'{client_name: $n, ato_api_key: $k, x509_certificate: $c, grant_types: ["client_credentials"]}')
curl -sS --fail-with-body "$REGISTRATION_URL" \
	-H "Authorization: Bearer $token" -H "apikey: $API_KEY" \
	-H 'Content-Type: application/json' -H 'Accept: application/json' \
	-d "$body" | jq -er .client_id
