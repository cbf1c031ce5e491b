#!/usr/bin/env bash
# Installs the Debian packages isamail's tests and benchmarks need, where they are missing.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v smtp-sink >/dev/null 2>&1 || need+=(postfix)
# Dovecot for the IMAP tests of `bounces process --imap` (tests/imapd.py runs its own instance)
[ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null 2>&1 || need+=(dovecot-imapd)
# a CJK font, so that browser screenshots show 保定市 rather than empty boxes
[ -d /usr/share/fonts/truetype/wqy ] || need+=(fonts-wqy-zenhei)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages: ${need[*]} (sudo apt-get install ${need[*]})" >&2
  exit 1
fi
echo "Installing ${need[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The package enables a system-wide IMAP server; the tests need none, so where systemd
# started it, stop and disable it again rather than leave a mail server listening.
if [[ " ${need[*]} " == *" dovecot-imapd "* ]] && [ -d /run/systemd/system ]; then
  systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
fi
