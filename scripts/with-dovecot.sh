#!/usr/bin/env bash
# Run a command with an IMAP server on loopback: a throwaway Dovecot (Debian's package, installed if needed) with a
# configuration of our own in a temporary folder, removed when the command ends. The command finds the server in
# IMAP_TEST_URL (imap://pengaduan:PASSWORD@127.0.0.1:PORT/INBOX); a second account is IMAP_TEST_URL_OTHER.
# With IMAP_TEST_URL already set, the command runs against that server instead.
set -euo pipefail

if [[ "${IMAP_TEST_URL:-}" == imap* ]]; then
  exec "$@"
fi

if ! command -v dovecot >/dev/null 2>&1 || [ ! -x /usr/lib/dovecot/imap ]; then
  echo "Installing Dovecot (Debian package) for the tests..." >&2
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  # The package's own service is not wanted: only our throwaway server runs.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null
  $SUDO systemctl disable --now dovecot >/dev/null 2>&1 || true
fi

DIR=$(mktemp -d /tmp/pengaduan-imap.XXXXXX)
chmod 755 "$DIR"  # the imap processes (the dovecot account) walk through it to the mail folder
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(8))')

if [ "$(id -u)" = 0 ]; then
  # As root Dovecot's master drops to these accounts (the package made them); the mail belongs to dovecot.
  INTERNAL_USER=dovecot LOGIN_USER=dovenull MAIL_USER=dovecot
else
  # Without root every process runs as the caller.
  INTERNAL_USER=$(id -un) LOGIN_USER=$(id -un) MAIL_USER=$(id -un)
fi
MAIL_UID=$(id -u "$MAIL_USER") MAIL_GID=$(id -g "$MAIL_USER")
mkdir -p "$DIR/run" "$DIR/state" "$DIR/mail"
chown "$MAIL_USER:" "$DIR/mail"

# passwd-file: user:{PLAIN}password:uid:gid::home — both the passdb and the userdb.
cat > "$DIR/users" <<EOF
pengaduan:{PLAIN}$PASSWORD:$MAIL_UID:$MAIL_GID::$DIR/mail/pengaduan
other:{PLAIN}$PASSWORD:$MAIL_UID:$MAIL_GID::$DIR/mail/other
EOF
chmod 644 "$DIR/users"

cat > "$DIR/dovecot.conf" <<EOF
# A throwaway IMAP server for the tests: loopback only, plain text, one folder.
base_dir = $DIR/run
state_dir = $DIR/state
instance_name = pengaduan-test-$PORT
log_path = $DIR/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
first_valid_gid = 1
default_internal_user = $INTERNAL_USER
default_login_user = $LOGIN_USER
mail_location = maildir:~/Maildir
mail_plugins =
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $DIR/users
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
namespace inbox {
  inbox = yes
  separator = /
}
EOF

stop() {
  dovecot -c "$DIR/dovecot.conf" stop >/dev/null 2>&1 || true
  for _ in $(seq 50); do [ -e "$DIR/run/master.pid" ] || break; sleep 0.1; done
  rm -rf "$DIR"
}
trap stop EXIT

if ! dovecot -c "$DIR/dovecot.conf"; then
  cat "$DIR/dovecot.log" >&2 || true
  exit 1
fi
for _ in $(seq 100); do
  python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $PORT), 0.2).close()" 2>/dev/null && break
  sleep 0.1
done

export IMAP_TEST_URL="imap://pengaduan:$PASSWORD@127.0.0.1:$PORT/INBOX"
export IMAP_TEST_URL_OTHER="imap://other:$PASSWORD@127.0.0.1:$PORT/INBOX"
echo "Dovecot $(dovecot --version | awk '{print $1}') on 127.0.0.1:$PORT" >&2
"$@"
