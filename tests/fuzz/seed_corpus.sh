#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets into OUT/<target>/, generated from the test
# fixtures (so seeds follow the fixtures) plus the few hand-written seeds committed under
# tests/fuzz/corpus/<target>/. Usage: tests/fuzz/seed_corpus.sh OUT
set -euo pipefail
export LC_ALL=C  # ${#body} counts bytes, as Content-Length does

out=${1:?usage: seed_corpus.sh OUT}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
fixtures=$root/tests/fixtures

for target in events http_request config slack hubspot; do
  mkdir -p "$out/$target"
  if [ -d "$here/corpus/$target" ]; then cp "$here/corpus/$target"/* "$out/$target"/ 2>/dev/null || true; fi
done

# Event bodies of every field generation (current, legacy, nested, envelope) and the invalid
# ones: the parser's seeds, and what Slack and HubSpot render.
for body in "$fixtures"/events/*/*.json; do
  name=$(basename "$(dirname "$body")")_$(basename "$body" .json)
  for target in events slack hubspot; do cp "$body" "$out/$target/$name.json"; done
done

# Config files: the fixtures, the documented example and the production config.
for yaml in "$fixtures"/config/*.yaml "$root"/config/*.yaml "$root"/docker/systemd/config.yaml; do
  cp "$yaml" "$out/config/$(basename "$(dirname "$yaml")")_$(basename "$yaml")"
done

# Raw requests around the valid bodies: signed (the harness's {{sig}}), body secret_key, the
# unsigned endpoint by chunked transfer, and two pipelined on one connection.
request() {  # PATH EXTRA_HEADERS BODY
  printf 'POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n%s' \
    "$1" "$2" "${#3}" "$3"
}
chunked() {  # PATH BODY  (two chunks)
  local half=$(( ${#2} / 2 ))
  printf 'POST %s HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n%x;ext=1\r\n%s\r\n0\r\nX-Trailer: t\r\n\r\n' \
    "$1" "$half" "${2:0:half}" "$(( ${#2} - half ))" "${2:half}"
}
for body_file in "$fixtures"/events/current/*.json "$fixtures"/events/envelope/*.json \
                 "$fixtures"/events/nested/EMAIL_REPLIED.json "$fixtures"/events/invalid/no_event_type.json; do
  name=$(basename "$(dirname "$body_file")")_$(basename "$body_file" .json)
  body=$(cat "$body_file")
  request /webhooks/smartlead $'X-Smartlead-Signature: {{sig}}\r\nX-Request-Id: '"$name"$'\r\n' "$body" \
    > "$out/http_request/signed_$name"
  keyed=${body/#\{/\{\"secret_key\":\"fuzz-secret\",}
  request /webhooks/smartlead $'X-Webhook-Level: user\r\n' "$keyed" > "$out/http_request/body_key_$name"
  chunked /open "$body" > "$out/http_request/chunked_$name"
done
first=$(cat "$fixtures/events/current/EMAIL_OPEN.json")
second=$(cat "$fixtures/events/legacy/EMAIL_SENT.json")
{ request /open "" "$first"; request /open $'Connection: close\r\n' "$second"; } > "$out/http_request/pipelined"
