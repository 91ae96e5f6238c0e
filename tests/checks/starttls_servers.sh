# Sourced by tests/integration/test_tlscheck_starttls.sh and bench/tls_compare_starttls.sh: real
# Debian mail, file and database servers in the sink, each reached through its STARTTLS upgrade,
# with certificates from a throwaway CA (WORK/spki/ca.pem; every leaf names its IP address).
# Needs WORK, ROOT, SINK (a command prefix that runs in the sink) and PIDS.
#   address:port      server                         TLS set-up                    expected findings
#   198.19.6.1:25     postfix smtpd (STARTTLS)       self-signed, TLS 1.0 and up   tls-cert-self-signed tls-deprecated-protocol
#   198.19.6.1:587    postfix submission (STARTTLS)  CA-signed, TLS 1.2 and up     none (the fixed twin)
#   198.19.6.2:143    dovecot imap (STARTTLS)        expired                       tls-cert-expired
#   198.19.6.2:110    dovecot pop3 (STLS)            expired                       tls-cert-expired
#   198.19.6.3:21     vsftpd (AUTH TLS)              names another host            tls-hostname-mismatch
#   198.19.6.4:5432   postgresql (SSLRequest)        CA-signed                     none
#   198.19.6.5:21     vsftpd without TLS             (AUTH TLS refused)            not audited
#   198.19.6.6:990    vsftpd implicit FTPS           CA-signed                     none
#   198.19.6.7:3306   mariadb (SSL request packet)   self-signed                   tls-cert-self-signed
#   198.19.6.8:389    slapd (LDAP StartTLS)          self-signed, TLS 1.0 and up   tls-cert-self-signed tls-deprecated-protocol
#   198.19.6.9:389    slapd (LDAP StartTLS)          CA-signed, TLS 1.2 and up     none (the fixed twin)
#   198.19.6.10:5222  prosody (XMPP <starttls/>)     self-signed, TLS 1.0 and up   tls-cert-self-signed tls-deprecated-protocol
#   198.19.6.11:5222  prosody (XMPP <starttls/>)     CA-signed, TLS 1.2 and up     none (the fixed twin)
STARTTLS_ENDPOINTS="198.19.6.1:25 198.19.6.1:587 198.19.6.2:143 198.19.6.2:110 198.19.6.3:21 198.19.6.4:5432 198.19.6.5:21 198.19.6.6:990 198.19.6.7:3306 198.19.6.8:389 198.19.6.9:389 198.19.6.10:5222 198.19.6.11:5222"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

starttls_certs() {
    local d=$WORK/spki; mkdir -p "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 400 -subj "/CN=xsweep starttls test CA" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
        -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
    leaf() {   # leaf NAME SAN [x509 args]: signed by the CA
        local n=$1 san=$2; shift 2
        openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$n" -keyout "$d/$n.key" -out "$d/$n.csr" 2>/dev/null
        printf 'subjectAltName=%s\n' "$san" >"$d/$n.ext"
        openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
            -extfile "$d/$n.ext" -out "$d/$n.pem" "$@" 2>/dev/null
    }
    leaf smtp-good IP:198.19.6.1 -days 200
    leaf pg IP:198.19.6.4 -days 200
    leaf ftps IP:198.19.6.6 -days 200
    leaf ftp-other DNS:other.test -days 200
    leaf ldap-good IP:198.19.6.9 -days 200
    leaf xmpp-good IP:198.19.6.11 -days 200
    # expired: a leaf whose validity ended in the past (openssl x509 cannot backdate: openssl ca can)
    mkdir -p "$d/newcerts"; : >"$d/index.txt"; echo 01 >"$d/serial"
    printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s/index.txt\nnew_certs_dir=%s/newcerts\nserial=%s/serial\ndefault_md=sha256\npolicy=p\ncopy_extensions=copy\nunique_subject=no\n[p]\ncommonName=supplied\n' \
        "$d" "$d" "$d" >"$d/ca.cnf"
    openssl req -new -newkey rsa:2048 -nodes -subj "/CN=imap-expired" -addext "subjectAltName=IP:198.19.6.2" \
        -keyout "$d/imap-expired.key" -out "$d/imap-expired.csr" 2>/dev/null
    openssl ca -batch -config "$d/ca.cnf" -cert "$d/ca.pem" -keyfile "$d/ca.key" -in "$d/imap-expired.csr" \
        -out "$d/imap-expired.pem" -notext -startdate 20240101000000Z -enddate 20240301000000Z 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 200 -subj "/CN=smtp-self" -addext "subjectAltName=IP:198.19.6.1" \
        -keyout "$d/smtp-self.key" -out "$d/smtp-self.pem" 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 200 -subj "/CN=mysql-self" -addext "subjectAltName=IP:198.19.6.7" \
        -keyout "$d/mysql.key" -out "$d/mysql.pem" 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 200 -subj "/CN=ldap-self" -addext "subjectAltName=IP:198.19.6.8" \
        -keyout "$d/ldap-self.key" -out "$d/ldap-self.pem" 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 200 -subj "/CN=xmpp-self" -addext "subjectAltName=IP:198.19.6.10" \
        -keyout "$d/xmpp-self.key" -out "$d/xmpp-self.pem" 2>/dev/null
    chmod 644 "$d"/*.key
}

postfix_up() {
    local pf=$WORK/postfix d=$WORK/spki
    mkdir -p "$pf/conf" "$pf/queue" "$pf/data"
    chown postfix "$pf/data"
    cp /etc/postfix/master.cf "$pf/conf/master.cf"
    # submission on 587 with its own certificate and protocols: the fixed twin of port 25
    cat >>"$pf/conf/master.cf" <<EOF
submission inet n       -       y       -       -       smtpd
  -o smtpd_tls_cert_file=$d/smtp-good.pem
  -o smtpd_tls_key_file=$d/smtp-good.key
  -o smtpd_tls_protocols=>=TLSv1.2
  -o smtpd_tls_mandatory_protocols=>=TLSv1.2
  -o smtpd_tls_ciphers=high
  -o tls_high_cipherlist=ECDHE+AESGCM:ECDHE+CHACHA20
EOF
    cat >"$pf/conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
inet_interfaces = 198.19.6.1
inet_protocols = ipv4
myhostname = mail.test
mydestination =
relayhost =
alias_maps =
alias_database =
local_recipient_maps =
smtpd_relay_restrictions = reject
maillog_file = $pf/maillog
maillog_file_prefixes = $WORK
smtpd_tls_security_level = may
smtpd_tls_cert_file = $d/smtp-self.pem
smtpd_tls_key_file = $d/smtp-self.key
smtpd_tls_protocols = >=TLSv1
smtpd_tls_ciphers = medium
tls_medium_cipherlist = DEFAULT:@SECLEVEL=0
EOF
    # postlog writes maillog_file; the service is in Debian's master.cf as a comment
    grep -q '^postlog' "$pf/conf/master.cf" ||
        echo 'postlog   unix-dgram n  -       n       -       1       postlogd' >>"$pf/conf/master.cf"
    # postfix binds only to interface addresses: give the sink's lo this one (inside the namespace)
    "${SINK[@]}" ip addr add 198.19.6.1/32 dev lo 2>/dev/null
    "${SINK[@]}" postfix -c "$pf/conf" check >"$WORK/postfix-check.log" 2>&1
    "${SINK[@]}" postfix -c "$pf/conf" start-fg >"$WORK/postfix.out" 2>&1 & PIDS+=($!)
}

dovecot_up() {
    local dv=$WORK/dovecot d=$WORK/spki
    mkdir -p "$dv/run" "$dv/state"
    cat >"$dv/dovecot.conf" <<EOF
base_dir = $dv/run
state_dir = $dv/state
log_path = $dv/log
protocols = imap pop3
listen = 198.19.6.2
ssl = yes
ssl_cert = <$d/imap-expired.pem
ssl_key = <$d/imap-expired.key
ssl_dh = </usr/share/dovecot/dh.pem
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain
passdb {
  driver = static
  args = nopassword=y
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service imap-login {
  inet_listener imap {
    port = 143
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 110
  }
  inet_listener pop3s {
    port = 0
  }
}
EOF
    "${SINK[@]}" dovecot -F -c "$dv/dovecot.conf" >"$WORK/dovecot.out" 2>&1 & PIDS+=($!)
}

vsftpd_up() {   # vsftpd_up NAME ADDR PORT lines...
    local n=$1 addr=$2 port=$3; shift 3
    mkdir -p "$WORK/ftproot" "$WORK/ftpempty"; chmod 555 "$WORK/ftproot"
    { echo "listen=YES"; echo "listen_address=$addr"; echo "listen_port=$port"; echo "background=NO"
      echo "secure_chroot_dir=$WORK/ftpempty"; echo "anon_root=$WORK/ftproot"; echo "write_enable=NO"
      echo "seccomp_sandbox=NO"; echo "anonymous_enable=NO"; echo "local_enable=YES"; echo "xferlog_enable=NO"
      echo "vsftpd_log_file=$WORK/vsftpd-$n.log"; echo "pam_service_name=vsftpd"
      printf '%s\n' "$@"; } >"$WORK/vsftpd-$n.conf"
    "${SINK[@]}" vsftpd "$WORK/vsftpd-$n.conf" >"$WORK/vsftpd-$n.out" 2>&1 & PIDS+=($!)
}

postgres_up() {
    [ -n "$PGBIN" ] || return 1
    local pg=$WORK/pgs d=$WORK/spki
    mkdir -p "$pg"; chown postgres "$pg"; chmod 700 "$pg"
    su postgres -s /bin/sh -c "$PGBIN/initdb -A trust -U postgres -D $pg" >"$WORK/initdb.log" 2>&1
    cp "$d/pg.pem" "$pg/server.crt"; cp "$d/pg.key" "$pg/server.key"
    chown postgres "$pg/server.crt" "$pg/server.key"; chmod 600 "$pg/server.key"
    PG_DIRS+=("$pg")
    "${SINK[@]}" su postgres -s /bin/sh -c "$PGBIN/postgres -D $pg -p 5432 -k $pg \
        -c listen_addresses=198.19.6.4 -c ssl=on -c logging_collector=off" >"$WORK/pgs.log" 2>&1 & PIDS+=($!)
}

mariadb_up() {
    local my=$WORK/my d=$WORK/spki
    mariadb-install-db --no-defaults --datadir="$my" --user=mysql --skip-test-db --force \
        --skip-name-resolve --auth-root-authentication-method=normal --innodb-log-file-size=8M \
        >"$WORK/my-install.log" 2>&1
    mkdir -p "$my-run"; chown mysql "$my-run"
    "${SINK[@]}" mariadbd --no-defaults --datadir="$my" --user=mysql --port=3306 --bind-address=198.19.6.7 \
        --socket="$my-run/my.sock" --pid-file="$my-run/my.pid" --skip-log-bin \
        --innodb-buffer-pool-size=16M --innodb-log-file-size=8M --skip-name-resolve --skip-grant-tables \
        --ssl-cert="$d/mysql.pem" --ssl-key="$d/mysql.key" >"$WORK/my.log" 2>&1 & PIDS+=($!)
}

slapd_up() {   # slapd_up NAME ADDR CERT TLSProtocolMin GnuTLS-priorities: no database, the rootDSE only
    local n=$1 addr=$2 cert=$3 min=$4 prio=$5 d=$WORK/spki
    mkdir -p "$WORK/slapd-$n"
    printf '%s\n' "include /etc/ldap/schema/core.schema" "pidfile $WORK/slapd-$n/pid" \
        "argsfile $WORK/slapd-$n/args" "TLSCertificateFile $d/$cert.pem" \
        "TLSCertificateKeyFile $d/$cert.key" "TLSProtocolMin $min" "TLSCipherSuite $prio" \
        >"$WORK/slapd-$n/slapd.conf"
    "${SINK[@]}" ip addr add "$addr/32" dev lo 2>/dev/null
    # -d stats: every operation in the log (the test reads it: a search and StartTLS, never a bind)
    "${SINK[@]}" slapd -f "$WORK/slapd-$n/slapd.conf" -h "ldap://$addr:389/" -d stats \
        >"$WORK/slapd-$n.log" 2>&1 & PIDS+=($!)
}

prosody_up() {   # prosody_up NAME ADDR CERT LuaSec-protocol ciphers: one VirtualHost named as the address
    local n=$1 addr=$2 cert=$3 proto=$4 ciphers=$5 d=$WORK/spki p=$WORK/prosody-$1
    mkdir -p "$p/data"; chown prosody "$p" "$p/data"
    printf '%s\n' "pidfile = \"$p/pid\"" "data_path = \"$p/data\"" \
        "log = { info = \"$p/log\" }" "interfaces = { \"$addr\" }" "c2s_ports = { 5222 }" \
        "c2s_direct_tls_ports = { }" "s2s_ports = { }" "modules_enabled = { \"tls\"; \"saslauth\" }" \
        "modules_disabled = { \"s2s\"; \"offline\"; \"c2s_direct_tls\" }" "c2s_require_encryption = true" \
        "ssl = { certificate = \"$d/$cert.pem\"; key = \"$d/$cert.key\"; protocol = \"$proto\"; ciphers = \"$ciphers\" }" \
        "VirtualHost \"$addr\"" >"$p/prosody.cfg.lua"
    "${SINK[@]}" ip addr add "$addr/32" dev lo 2>/dev/null
    "${SINK[@]}" su prosody -s /bin/sh -c "prosody -F --config $p/prosody.cfg.lua" \
        >"$WORK/prosody-$n.out" 2>&1 & PIDS+=($!)
}

starttls_servers_up() {
    starttls_certs
    chmod a+rX "$WORK"
    postfix_up
    dovecot_up
    local d=$WORK/spki
    vsftpd_up tls 198.19.6.3 21 "ssl_enable=YES" "rsa_cert_file=$d/ftp-other.pem" \
        "rsa_private_key_file=$d/ftp-other.key" "require_ssl_reuse=NO" "force_local_logins_ssl=NO" \
        "force_local_data_ssl=NO"
    vsftpd_up plain 198.19.6.5 21 "ssl_enable=NO"
    vsftpd_up implicit 198.19.6.6 990 "ssl_enable=YES" "implicit_ssl=YES" "rsa_cert_file=$d/ftps.pem" \
        "rsa_private_key_file=$d/ftps.key" "require_ssl_reuse=NO"
    postgres_up
    mariadb_up
    slapd_up bad 198.19.6.8 ldap-self 3.1 "NORMAL:+VERS-TLS1.1:+VERS-TLS1.0"
    slapd_up good 198.19.6.9 ldap-good 3.3 \
        "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-RSA"
    prosody_up bad 198.19.6.10 xmpp-self tlsv1+ "DEFAULT:@SECLEVEL=0"
    prosody_up good 198.19.6.11 xmpp-good tlsv1_2+ "ECDHE+AESGCM:ECDHE+CHACHA20"
    local ep
    for ep in $STARTTLS_ENDPOINTS; do
        for _ in $(seq 100); do
            "${SINK[@]}" ss -ltnH "src $ep" | grep -q LISTEN && break
            sleep 0.1
        done
    done
}

starttls_servers_down() {
    local d
    for d in "${PG_DIRS[@]}"; do
        [ -f "$d/postmaster.pid" ] && kill -INT "$(head -1 "$d/postmaster.pid")" 2>/dev/null
    done
    [ -d "$WORK/postfix/conf" ] && "${SINK[@]}" postfix -c "$WORK/postfix/conf" stop >/dev/null 2>&1
    # start-fg's master outlives the postfix command we started: end it by its own pid file
    local mp=$WORK/postfix/queue/pid/master.pid
    [ -s "$mp" ] && kill $(cat "$mp") 2>/dev/null
    [ -s "$WORK/my-run/my.pid" ] && kill "$(cat "$WORK/my-run/my.pid")" 2>/dev/null
    for d in "$WORK"/prosody-bad "$WORK"/prosody-good; do   # su's child: by its pid file
        [ -s "$d/pid" ] && kill "$(cat "$d/pid")" 2>/dev/null
    done
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.5
}
