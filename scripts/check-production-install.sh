#!/usr/bin/env bash
# `npm run check:production`: proves that a production install of the committed code starts and
# signs in. In a temporary copy of HEAD (git archive: no node_modules, .next or .data):
#
#   npm ci                   # the build needs devDependencies (TypeScript, Tailwind, PostCSS)
#   npm run build
#   npm prune --omit=dev     # what runs in production: dependencies only
#   npm start                # NODE_ENV=production, a fresh database, the first admin from env
#
# then signs in through next-auth's credentials flow as that admin (CSRF token, POST to the
# callback, session cookie), reads the session and renders the Overview with it. Exits non-zero,
# printing the server's log, when any step fails. Needs the npm registry; takes minutes, so it is
# not part of `npm test`.
#
# Optional: ADMIN_EMAIL / ADMIN_PASSWORD (default: a generated password), DATABASE_URL of an EMPTY
# Postgres database (default: embedded PGlite in the temporary copy), KEEP_DIR=1 to keep the copy.
set -euo pipefail

repo="$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)"
work="$(mktemp -d "${TMPDIR:-/tmp}/kpd-production-check.XXXXXX")"
server_pid=""
started=$SECONDS
step_started=$SECONDS

step() {
  printf '\n▸ %s\n' "$*"
  step_started=$SECONDS
}
took() { printf '  (%d s)\n' $((SECONDS - step_started)); }

cleanup() {
  local status=$?
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    # npm start runs in its own process group (setsid below): stop npm and the server it started.
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$server_pid" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -f $work/server.log ]]; then
    printf '\n── server log (last 80 lines) ──\n'
    tail -n 80 "$work/server.log"
  fi
  if [[ ${KEEP_DIR:-} == 1 ]]; then echo "kept: $work"; else rm -rf "$work"; fi
  if [[ $status -eq 0 ]]; then
    printf '\n✔ production install signs in (%d s in all)\n' $((SECONDS - started))
  else
    printf '\n✖ production install check failed (%d s)\n' $((SECONDS - started)) >&2
  fi
}
trap cleanup EXIT

fail() {
  echo "✖ $*" >&2
  exit 1
}

step "copy of HEAD ($(git -C "$repo" rev-parse --short HEAD)) into $work"
git -C "$repo" archive --format=tar HEAD | tar -x -C "$work/"
cd "$work"
took

step "npm ci"
npm ci --no-audit --no-fund --loglevel=error
took

step "npm run build"
NEXT_TELEMETRY_DISABLED=1 npm run build --silent > build.log 2>&1 || { tail -n 40 build.log; fail "the build failed"; }
took

step "npm prune --omit=dev"
npm prune --omit=dev --no-audit --no-fund --loglevel=error
# (@playwright/test stays: it is an optional peer of next, "devOptional" in the lock.)
for dev_only in typescript tsx vitest drizzle-kit eslint; do
  [[ ! -e node_modules/$dev_only ]] || fail "node_modules/$dev_only is still there after pruning"
done
took

port="$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
base="http://127.0.0.1:$port"
email="${ADMIN_EMAIL:-production-check@example.com}"
password="${ADMIN_PASSWORD:-check $(node -e "console.log(require('node:crypto').randomBytes(18).toString('base64url'))")}"

step "npm start on $base"
# Only what an operator sets (README "Running in production"); the Klarna sandbox is not started,
# so nothing is provisioned at start.
setsid env -i PATH="$PATH" HOME="$HOME" \
  NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT="$port" APP_URL="$base" \
  DATA_DIR="$work/.data" ${DATABASE_URL:+DATABASE_URL="$DATABASE_URL"} \
  AUTH_SECRET="$(node -e "console.log(require('node:crypto').randomBytes(32).toString('base64'))")" \
  ENCRYPTION_KEYS="k1:$(node -e "console.log(require('node:crypto').randomBytes(32).toString('base64'))")" \
  ADMIN_EMAIL="$email" ADMIN_PASSWORD="$password" \
  KLARNA_ENVIRONMENT=sandbox SANDBOX_AUTO_PROVISION=false \
  npm start > server.log 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  kill -0 "$server_pid" 2>/dev/null || fail "npm start exited"
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/health" || true)" == 200 ]] && break
  sleep 1
done
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/health")" == 200 ]] || fail "the server did not answer /api/health with 200 within 120 s"
took

step "sign in as $email"
jar="$work/cookies.txt"
json_field() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const v=$1;if(v==null||v==='')process.exit(1);console.log(v)})"; }
csrf="$(curl -sf -c "$jar" "$base/api/auth/csrf" | json_field 'JSON.parse(s).csrfToken')" || fail "GET /api/auth/csrf gave no CSRF token"
answer="$(curl -s -b "$jar" -c "$jar" -w '\n%{http_code}' -X POST "$base/api/auth/callback/credentials" \
  --data-urlencode "csrfToken=$csrf" --data-urlencode "email=$email" --data-urlencode "password=$password" \
  --data-urlencode "callbackUrl=$base/" --data-urlencode "json=true")"
code="${answer##*$'\n'}"
[[ $code == 200 ]] || fail "POST /api/auth/callback/credentials answered $code: ${answer%$'\n'*}"
grep -q 'next-auth.session-token' "$jar" || fail "no session cookie after signing in: ${answer%$'\n'*}"
signed_in="$(curl -sf -b "$jar" "$base/api/auth/session" | json_field 'JSON.parse(s).user && JSON.parse(s).user.email')" || fail "GET /api/auth/session shows no signed-in user"
[[ $signed_in == "$email" ]] || fail "the session is for $signed_in, not $email"
overview="$(curl -s -b "$jar" -w '\n%{http_code}' "$base/")"
[[ "${overview##*$'\n'}" == 200 ]] || fail "GET / with the session answered ${overview##*$'\n'}"
grep -q "Welcome, " <<<"$overview" || fail "the Overview did not render for the signed-in admin"
echo "  signed in: the session is $signed_in and the Overview renders for it"
took
