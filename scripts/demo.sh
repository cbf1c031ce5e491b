#!/usr/bin/env bash
# `make demo`: a demo project next to the repo's own, a local SMTP server that keeps what it
# receives (demo/maildir), the ISA sample subscribers, an ISA issue sent to them, the report.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
DEMO=demo
PORT=${ISAMAIL_DEMO_SMTP_PORT:-2525}
if [ -z "${ISAMAIL_DEMO_SMTP_PORT:-}" ] && (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; then
  # 2525 is taken (another SMTP server?): the demo must not send to it, so take a free port
  PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
rm -rf "$DEMO"
mkdir -p "$DEMO"
isamail() { "$BIN/isamail" -p "$DEMO/project" "$@"; }

echo "== Ein Demo-Projekt anlegen"
"$BIN/isamail" init "$DEMO/project"
cp -r issues/2020-10 issues/2021-06 "$DEMO/project/issues/"

echo "== Lokaler SMTP-Server auf 127.0.0.1:$PORT (Nachrichten in $DEMO/maildir)"
"$BIN/python" -m tests.smtpd --port "$PORT" --maildir "$DEMO/maildir" &
SMTPD=$!
trap 'kill $SMTPD 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break
  sleep 0.1
done
if ! kill -0 "$SMTPD" 2>/dev/null; then
  echo "Fehler: der Demo-SMTP-Server startet nicht auf 127.0.0.1:$PORT (ISAMAIL_DEMO_SMTP_PORT=… wählt einen anderen Port)." >&2
  exit 1
fi
export ISAMAIL_SMTP_URL="smtp://127.0.0.1:$PORT"

echo "== Verteiler und Abonnenten (Beispieldateien aus tests/data)"
isamail lists create isa-newsletter --title "ISA-Newsletter"
isamail subscribers import tests/data/subscribers.csv --list isa-newsletter --confirmed \
  --consent-note "Demo: Bestand aus dem Mitgliederverzeichnis"
isamail subscribers import tests/data/subscribers-excel-de.csv --list isa-newsletter --confirmed \
  --consent-note "Demo: Excel-Liste der Geschäftsstelle"
isamail subscribers import tests/data/subscribers-intl.csv --list isa-newsletter --confirmed \
  --consent-note "Demo: internationale Kontakte"
isamail lists

echo "== Ausgabe 2020-10 verschicken"
isamail send 2020-10 --list isa-newsletter --yes

echo "== Bericht"
isamail report
isamail report 2020-10
echo "Angekommen im lokalen Postfach: $(ls "$DEMO/maildir/new" | wc -l) Nachrichten ($DEMO/maildir/new)"
