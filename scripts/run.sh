#!/usr/bin/env bash
# One command: environment, migrations, demo province, and the app at http://localhost:3000
set -euo pipefail
cd "$(dirname "$0")/.."
# PDFs (certificates, approval documents) need a CJK font.
if ! fc-list :lang=zh 2>/dev/null | grep -q . && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q fonts-noto-cjk
fi
echo "run.sh: installing the Python packages (first run only)"
bash scripts/setup.sh requirements.txt
source scripts/env.sh
echo "run.sh: bringing the database schema up to date"
python -m eap db upgrade
echo "run.sh: seeding the demo province (kept when already there)"
python -m eap seed demo
cat <<MSG

  EAP is starting at  http://localhost:${EAP_PORT:-3000}/login
  Demo accounts (password Demo@2026 for all): admin, auditor, security, leader, sheng_duban,
  nc_window, nc_zj, nc_zj_head, nc_duban, qiye001, daiban01, zhongjie01 — see README.md.
  admin, auditor and security also enter a code texted to their phone: texts (sign-in and
  sign-up codes) are shown right here, by a local SMS gateway. 统一身份认证 on the sign-in page
  goes to a local identity provider (zhangsan / lisi / nc_window, password Idp@2026).

MSG
# Exactly one scheduler per deployment: a separate process, never inside a web worker.
mkdir -p var
# The national system's receiving end, faked locally for the demo (数据上报 tab on /supervision).
if [ -z "${EAP_SPGL_URL:-}" ] && [ "${EAP_SPGL_MODE:-http}" = "http" ]; then
  python -m eap spgl fake-receiver --port "${EAP_SPGL_FAKE_PORT:-8765}" > var/spgl-receiver.log 2>&1 &
  export EAP_SPGL_URL="http://127.0.0.1:${EAP_SPGL_FAKE_PORT:-8765}/"
fi
# Texts go to a local gateway that shows them on this terminal (the demo has no real phones).
if [ -z "${EAP_SMS_GATEWAY_URL:-}" ]; then
  python -m eap fake sms --port "${EAP_SMS_FAKE_PORT:-8766}" 2> var/sms-gateway.log &
  export EAP_SMS_GATEWAY_URL="http://127.0.0.1:${EAP_SMS_FAKE_PORT:-8766}/sms"
fi
# The province's other systems, faked locally (README "Interconnection"): the investment
# platform knows every code whose serial does not start with 9; the credit service lists no
# one as 失信; the e-certificate library keeps what is pushed; the identity provider's people
# are zhangsan, lisi and nc_window (password Idp@2026).
fake() {  # fake NAME PORT VAR URL-SUFFIX [ARGS…]
  local name=$1 port=$2 var=$3 suffix=$4; shift 4
  if [ -z "${!var:-}" ]; then
    python -m eap fake "$name" --port "$port" "$@" > "var/fake-$name.log" 2>&1 &
    export "$var=http://127.0.0.1:$port$suffix"
  fi
}
fake investment "${EAP_INVESTMENT_FAKE_PORT:-8767}" EAP_INVESTMENT_URL "" --demo
fake credit "${EAP_CREDIT_FAKE_PORT:-8768}" EAP_CREDIT_URL ""
fake certificates "${EAP_CERT_LIBRARY_FAKE_PORT:-8770}" EAP_CERT_LIBRARY_URL ""
if [ -z "${EAP_SSO_ISSUER:-}" ]; then
  fake oidc "${EAP_SSO_FAKE_PORT:-8769}" EAP_SSO_ISSUER ""
  export EAP_SSO_CLIENT_ID=eap EAP_SSO_CLIENT_SECRET=eap-secret
fi
if [ "${EAP_SCHEDULER_ENABLED:-true}" = "true" ]; then
  python -m eap scheduler > var/scheduler.log 2>&1 &
fi
trap 'kill $(jobs -p) 2>/dev/null' EXIT
echo "run.sh: building and starting the web app (the first build takes a few minutes)"
reflex run --env prod --single-port --frontend-port "${EAP_PORT:-3000}"
