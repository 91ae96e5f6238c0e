#!/usr/bin/env bash
# Protocol identification whatever the port, and the services rules (data/hostcfg/services.txt),
# from one `xsweep --endpoints` run over the namespace testbed against real Debian servers in the
# sink, each in an unsafe and a safe configuration on its own address: OpenSSH (legacy kex/ciphers/
# MACs vs hardened; and on 8080), Redis (no auth vs requirepass; and on 2222), nginx on 6379,
# vsftpd (anonymous vs not; implicit FTPS on 990 with a self-signed certificate), Samba (SMB1,
# signing optional, guest mapping vs SMB2+, signing mandatory, no guest), PostgreSQL (ssl off/on),
# MariaDB (no TLS vs TLS), memcached, xrdp (no NLA), Postfix (STARTTLS vs none). Then what reached
# the wire (tcpdump in the sink: the FTP login is USER anonymous / PASS anonymous@ and QUIT, SMTP
# is EHLO and QUIT, SMB is NEGOTIATE and SESSION_SETUP as guest), -oX and -oC, a custom policy grading by
# findings, and the same addresses under nmap -sV with its default safe scripts (timed).
source "$(dirname "$0")/lib.sh"

testbed_up xsvc --answer
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
# Each server in a session of its own: some (xrdp) signal their whole process group on exit, which
# must not reach this script or its caller.
SINK=(setsid ip netns exec "$TB_PREFIX-sink")
PIDS=()
PG_DIRS=()
PF_DIRS=()
stop_servers() {
    for d in "${PF_DIRS[@]}"; do   # Postfix's master (it outlives postfix-script): TERM stops its children
        [ -s "$d/queue/pid/master.pid" ] && kill "$(awk '{print $1}' "$d/queue/pid/master.pid")" 2>/dev/null
    done
    for d in "${PG_DIRS[@]}"; do
        [ -f "$d/postmaster.pid" ] && kill -INT "$(head -1 "$d/postmaster.pid")" 2>/dev/null
    done
    for _ in $(seq 50); do   # PostgreSQL stops on SIGINT; wait for it before su is signalled
        alive=0; for d in "${PG_DIRS[@]}"; do [ -f "$d/postmaster.pid" ] && alive=1; done
        [ $alive = 0 ] && break; sleep 0.1
    done
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for f in "$WORK"/*.pid; do [ -s "$f" ] && kill "$(cat "$f" 2>/dev/null)" 2>/dev/null; done
    sleep 0.5
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
}
trap 'stop_servers; cleanup' EXIT
# Hard bound: the whole test stops within 170 s whatever hangs.
( trap 'kill $s 2>/dev/null; exit 0' TERM; sleep 170 >/dev/null 2>&1 & s=$!; wait $s
  echo "test_services.sh: time limit reached" >&2; kill -TERM $$ ) & PIDS+=($!)
A=198.19.2
chmod 755 "$WORK"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=xsvc.test" -keyout "$WORK/key.pem" \
    -out "$WORK/cert.pem" 2>/dev/null
chmod 644 "$WORK/key.pem" "$WORK/cert.pem"

echo "-- servers in the sink namespace"
# OpenSSH: unsafe (legacy algorithms added), hardened, and the unsafe one again on 8080
ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey"
mkdir -p /run/sshd
sshd_conf() {   # name addr port extra...
    local n=$1 addr=$2 port=$3; shift 3
    { echo "ListenAddress $addr:$port"; echo "HostKey $WORK/hostkey"; echo "PidFile $WORK/sshd-$n.pid"
      echo "UsePAM no"; echo "PasswordAuthentication no"; echo "KbdInteractiveAuthentication no"
      echo "StrictModes no"; printf '%s\n' "$@"; } >"$WORK/sshd-$n.conf"
    "${SINK[@]}" /usr/sbin/sshd -D -e -f "$WORK/sshd-$n.conf" 2>"$WORK/sshd-$n.log" & PIDS+=($!)
}
LEGACY=("KexAlgorithms +diffie-hellman-group14-sha1,diffie-hellman-group1-sha1"
        "Ciphers +aes128-cbc,3des-cbc" "MACs +hmac-md5,hmac-sha1-96")
sshd_conf unsafe $A.1 22 "${LEGACY[@]}"
sshd_conf safe $A.2 22 "KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org" \
    "Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-ctr" \
    "MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com"
sshd_conf on8080 $A.3 8080 "${LEGACY[@]}"
# Redis: no auth, requirepass, and no auth on 2222
redis() {   # addr port extra...
    local addr=$1 port=$2; shift 2
    "${SINK[@]}" redis-server --port "$port" --bind "$addr" --save '' --appendonly no --dir "$WORK" \
        --protected-mode no --daemonize no "$@" >"$WORK/redis-$addr-$port.log" 2>&1 & PIDS+=($!)
}
redis $A.4 6379; redis $A.5 6379 --requirepass 'xsvc-secret'; redis $A.6 2222
# nginx on the Redis port
mkdir -p "$WORK/www" "$WORK/tmp"
echo '<html><head><title>nginx on 6379</title></head><body>hi</body></html>' >"$WORK/www/index.html"
cat >"$WORK/nginx.conf" <<NGX
worker_processes 1; daemon off; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log;
events { worker_connections 64; }
http { access_log off; client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp;
       fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
       server { listen $A.7:6379; root $WORK/www; } }
NGX
"${SINK[@]}" nginx -c "$WORK/nginx.conf" -p "$WORK" 2>"$WORK/nginx.stderr" & PIDS+=($!)
# vsftpd: anonymous on, anonymous off, implicit FTPS on 990
mkdir -p "$WORK/ftproot" "$WORK/empty"; chmod 555 "$WORK/ftproot"; chown root:root "$WORK/ftproot"
vsftpd_conf() {   # name addr port lines...
    local n=$1 addr=$2 port=$3; shift 3
    { echo "listen=YES"; echo "listen_address=$addr"; echo "listen_port=$port"; echo "background=NO"
      echo "secure_chroot_dir=$WORK/empty"; echo "anon_root=$WORK/ftproot"; echo "write_enable=NO"
      echo "seccomp_sandbox=NO"; echo "ftp_username=ftp"; echo "xferlog_enable=NO"
      echo "vsftpd_log_file=$WORK/vsftpd-$n.log"; echo "pam_service_name=vsftpd"
      printf '%s\n' "$@"; } >"$WORK/vsftpd-$n.conf"
    "${SINK[@]}" vsftpd "$WORK/vsftpd-$n.conf" >"$WORK/vsftpd-$n.out" 2>&1 & PIDS+=($!)
}
vsftpd_conf anon $A.8 21 "anonymous_enable=YES" "local_enable=NO" "no_anon_password=NO"
vsftpd_conf noanon $A.9 21 "anonymous_enable=NO" "local_enable=YES"
FTPS=("anonymous_enable=NO" "local_enable=YES" "ssl_enable=YES" "implicit_ssl=YES"
      "rsa_cert_file=$WORK/cert.pem" "rsa_private_key_file=$WORK/key.pem" "require_ssl_reuse=NO")
vsftpd_conf ftps $A.10 990 "${FTPS[@]}"
vsftpd_conf ftps4990 $A.19 4990 "${FTPS[@]}"   # TLS on a port the table does not know
# Samba: SMB1 allowed and signing optional; SMB2+ only and signing mandatory
mkdir -p "$WORK/share"
samba_conf() {   # name addr lines...
    local n=$1 addr=$2; shift 2
    local d="$WORK/smb-$n"; mkdir -p "$d"/{lock,state,cache,pid,private,ncalrpc,log}
    # smbd binds only to interface addresses: give the sink's lo this one (inside the namespace).
    "${SINK[@]}" ip addr add "$addr/32" dev lo
    { echo "[global]"; echo "interfaces = $addr"; echo "bind interfaces only = yes"; echo "smb ports = 445"
      echo "disable netbios = yes"; echo "server role = standalone server"
      for k in lock state cache pid; do echo "$k directory = $d/$k"; done
      echo "private dir = $d/private"; echo "ncalrpc dir = $d/ncalrpc"; echo "log file = $d/log/smbd.log"
      echo "passdb backend = tdbsam:$d/private/passdb.tdb"; echo "load printers = no"; echo "printing = bsd"
      echo "printcap name = /dev/null"; echo "disable spoolss = yes"
      printf '%s\n' "$@"
      echo "[public]"; echo "path = $WORK/share"; echo "guest ok = yes"; echo "read only = yes"; } >"$d/smb.conf"
    "${SINK[@]}" smbd --foreground --no-process-group --configfile="$d/smb.conf" >"$d/stdout" 2>&1 & PIDS+=($!)
}
# unsafe: SMB1, signing optional, unknown users mapped to guest; safe: SMB2+, signing mandatory,
# no guest mapping (Samba's default "map to guest = Never")
samba_conf unsafe $A.11 "server min protocol = NT1" "server signing = auto" "map to guest = Bad User"
samba_conf safe $A.12 "server min protocol = SMB2_02" "server signing = mandatory"
# PostgreSQL: ssl off, ssl on
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -n "$PGBIN" ]; then
    mkdir -p "$WORK/pg"; chown postgres "$WORK/pg"; chmod 700 "$WORK/pg"
    su postgres -s /bin/sh -c "$PGBIN/initdb -A trust -U postgres -D $WORK/pg" >"$WORK/initdb.log" 2>&1
    cp -a "$WORK/pg" "$WORK/pgssl"
    cp "$WORK/cert.pem" "$WORK/pgssl/server.crt"; cp "$WORK/key.pem" "$WORK/pgssl/server.key"
    chown postgres "$WORK/pgssl/server.key" "$WORK/pgssl/server.crt"; chmod 600 "$WORK/pgssl/server.key"
    for spec in "pg $A.13 off" "pgssl $A.14 on"; do
        set -- $spec
        PG_DIRS+=("$WORK/$1")
        "${SINK[@]}" su postgres -s /bin/sh -c "$PGBIN/postgres -D $WORK/$1 -p 5432 -k $WORK/$1 \
            -c listen_addresses=$2 -c ssl=$3 -c logging_collector=off" >"$WORK/$1.log" 2>&1 & PIDS+=($!)
    done
fi
# MariaDB: without TLS, with TLS
for spec in "my $A.15" "myssl $A.16 --ssl-cert=$WORK/cert.pem --ssl-key=$WORK/key.pem"; do
    set -- $spec; n=$1 addr=$2; shift 2
    mariadb-install-db --no-defaults --datadir="$WORK/$n" --user=mysql --skip-test-db --force \
        --skip-name-resolve --auth-root-authentication-method=normal --innodb-log-file-size=8M \
        >"$WORK/$n-install.log" 2>&1
    mkdir -p "$WORK/$n-run"; chown mysql "$WORK/$n-run"
    "${SINK[@]}" mariadbd --no-defaults --datadir="$WORK/$n" --user=mysql --port=3306 --bind-address="$addr" \
        --socket="$WORK/$n-run/my.sock" --pid-file="$WORK/$n-run/my.pid" --skip-log-bin \
        --innodb-buffer-pool-size=16M --innodb-log-file-size=8M --skip-name-resolve --skip-grant-tables "$@" \
        >"$WORK/$n.log" 2>&1 & PIDS+=($!)
done
# memcached (no SASL), xrdp (no NLA: xrdp has no CredSSP)
"${SINK[@]}" memcached -u memcache -l $A.17 -p 11211 -U 0 -m 16 >"$WORK/memcached.log" 2>&1 & PIDS+=($!)
if command -v xrdp >/dev/null; then
    sed -e "s|^port=.*|port=tcp://$A.18:3389|" -e "s|^security_layer=.*|security_layer=negotiate|" \
        /etc/xrdp/xrdp.ini >"$WORK/xrdp.ini"
    "${SINK[@]}" xrdp --nodaemon --config "$WORK/xrdp.ini" >"$WORK/xrdp.log" 2>&1 & PIDS+=($!)
fi

# Postfix: STARTTLS offered (self-signed certificate) and not; each instance its own config and
# queue, non-chrooted, listening on a sink address only, delivering nothing
postfix_conf() {   # name addr lines...
    local n=$1 addr=$2; shift 2
    local d="$WORK/pf-$n"; mkdir -p "$d/queue" "$d/data"; chown postfix "$d/data"
    "${SINK[@]}" ip addr add "$addr/32" dev lo
    { echo "queue_directory = $d/queue"; echo "data_directory = $d/data"
      echo "command_directory = /usr/sbin"; echo "daemon_directory = /usr/lib/postfix/sbin"
      echo "meta_directory = /etc/postfix"; echo "shlib_directory = /usr/lib/postfix"
      echo "mail_owner = postfix"; echo "setgid_group = postdrop"; echo "compatibility_level = 3.6"
      echo "inet_interfaces = $addr"; echo "inet_protocols = ipv4"; echo "myhostname = mail.xsvc.test"
      echo "mydestination ="; echo "alias_maps ="; echo "alias_database ="; echo "mynetworks = 127.0.0.0/8"
      echo "smtpd_banner = \$myhostname ESMTP \$mail_name (Debian/GNU)"
      echo "maillog_file = $d/maillog"; echo "maillog_file_prefixes = $WORK"
      echo "local_transport = error:local delivery disabled"; echo "smtputf8_enable = no"
      printf '%s\n' "$@"; } >"$d/main.cf"
    { echo "$addr:25 inet n - n - - smtpd"
      for svc in "pickup unix n - n 60 1 pickup" "cleanup unix n - n - 0 cleanup" "qmgr unix n - n 300 1 qmgr" \
                 "tlsmgr unix - - n 1000? 1 tlsmgr" "rewrite unix - - n - - trivial-rewrite" \
                 "bounce unix - - n - 0 bounce" "defer unix - - n - 0 bounce" "trace unix - - n - 0 bounce" \
                 "verify unix - - n - 1 verify" "flush unix n - n 1000? 0 flush" "proxymap unix - - n - - proxymap" \
                 "anvil unix - - n - 1 anvil" "scache unix - - n - 1 scache" "postlog unix-dgram n - n - 1 postlogd"
      do echo "$svc"; done; } >"$d/master.cf"
    PF_DIRS+=("$d")
    "${SINK[@]}" postfix -c "$d" check >"$d/check.log" 2>&1
    "${SINK[@]}" postfix -c "$d" start-fg >"$d/stdout" 2>&1 & PIDS+=($!)
}
if command -v postfix >/dev/null; then
    postfix_conf tls $A.20 "smtpd_tls_security_level = may" "smtpd_tls_cert_file = $WORK/cert.pem" \
        "smtpd_tls_key_file = $WORK/key.pem"
    postfix_conf plain $A.21 "smtpd_tls_security_level = none"
fi

ENDPOINTS=( $A.1:22 $A.2:22 $A.3:8080 $A.4:6379 $A.5:6379 $A.6:2222 $A.7:6379 $A.8:21 $A.9:21
            $A.10:990 $A.11:445 $A.12:445 $A.13:5432 $A.14:5432 $A.15:3306 $A.16:3306 $A.17:11211
            $A.19:4990 )
command -v xrdp >/dev/null && ENDPOINTS+=($A.18:3389)
command -v postfix >/dev/null && ENDPOINTS+=($A.20:25 $A.21:25)
up=0
for ep in "${ENDPOINTS[@]}"; do
    for _ in $(seq 100); do
        "${SINK[@]}" ss -ltnH "src ${ep%:*} and sport = :${ep#*:}" | grep -q LISTEN && break
        sleep 0.1
    done
    if "${SINK[@]}" ss -ltnH "src ${ep%:*} and sport = :${ep#*:}" | grep -q LISTEN; then up=$((up+1))
    else fail "nothing listens on $ep"; fi
done
check "all ${#ENDPOINTS[@]} servers listen in the sink" [ $up = ${#ENDPOINTS[@]} ]
printf '%s\n' "${ENDPOINTS[@]}" >"$WORK/endpoints.txt"

echo "-- one xsweep run over ${#ENDPOINTS[@]} endpoints (tcpdump in the sink)"
"${SINK[@]}" tcpdump -i "$TB_PREFIX-k0" -U -s 0 -w "$WORK/wire.pcap" \
    "tcp and (port 21 or port 990 or port 6379 or port 2222 or port 445 or port 25)" >/dev/null 2>"$WORK/tcpdump.log" & TCPD=$!
PIDS+=($TCPD); sleep 1
t0=$(date +%s.%N)
in_scan "$XSWEEP" "${NET[@]}" --endpoints "$WORK/endpoints.txt" --rate 1000 --wait 1 \
    --connect-timeout 2 --http-timeout 4 -o "$WORK/out.json" 2>"$WORK/out.err"
rc=$?
t1=$(date +%s.%N)
XS_SECS=$(echo "$t1 - $t0" | bc)
check "scan exits 0 in ${XS_SECS} s" [ $rc = 0 ]
sleep 0.5; kill -INT $TCPD 2>/dev/null; wait $TCPD 2>/dev/null

python3 - "$WORK/out.json" "$A" >"$WORK/py.out" 2>&1 <<'PY'
import json, re, sys
A = sys.argv[2]
recs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    recs[(r["ip"], r["port"])] = r
ok = bad = 0
def check(what, cond, got=None):
    global ok, bad
    print(("  ok   " if cond else "  FAIL ") + what + ("" if cond else "  (got %r)" % (got,)))
    if cond: ok += 1
    else: bad += 1
def rec(n, port): return recs.get((f"{A}.{n}", port), {})
def probe(n, port): return rec(n, port).get("probe") or {}
def issues(n, port): return {i["id"] for i in rec(n, port).get("config_issues", [])}
def has(n, port, ids, what):
    got = issues(n, port)
    check(f"{what}: {', '.join(sorted(ids))}", ids <= got, sorted(got))
def lacks(n, port, ids, what):
    got = issues(n, port)
    check(f"{what}: none of {', '.join(sorted(ids))}", not (ids & got), sorted(got))

check("one record per endpoint", len(recs) >= 17, len(recs))
# SSH
for n, port in ((1, 22), (2, 22), (3, 8080)):
    p = probe(n, port)
    check(f"{n}:{port} identified ssh / OpenSSH 9.x", p.get("protocol") == "ssh" and p.get("product") == "OpenSSH"
          and re.match(r"^9\.\d+p\d", p.get("version") or ""), p)
legacy = {"ssh-legacy-kex", "ssh-legacy-cipher", "ssh-legacy-mac"}
has(1, 22, legacy, "OpenSSH with legacy algorithms")
lacks(2, 22, legacy, "hardened OpenSSH")
check("hardened OpenSSH: KEXINIT recorded", "curve25519-sha256" in (probe(2, 22).get("ssh") or {}).get("kex", ""),
      probe(2, 22).get("ssh"))
check("SSH on 8080: the HTTP stage got no status, the ssh probe followed (KEXINIT read; tried http,ssh)",
      rec(3, 8080).get("http", {}).get("status_code") == 0 and (probe(3, 8080).get("ssh") or {}).get("kex")
      and probe(3, 8080).get("tried") == "http,ssh",
      (rec(3, 8080).get("http", {}).get("status"), probe(3, 8080)))
has(3, 8080, legacy, "SSH on 8080")
# Redis
check("redis without auth: auth none, version 7", probe(4, 6379).get("auth") == "none"
      and (probe(4, 6379).get("version") or "").startswith("7."), probe(4, 6379))
has(4, 6379, {"redis-no-auth"}, "redis without auth")
check("redis with requirepass: auth required", probe(5, 6379).get("auth") == "required", probe(5, 6379))
lacks(5, 6379, {"redis-no-auth"}, "redis with requirepass")
has(5, 6379, {"redis-auth-required"}, "redis with requirepass (info)")
p = probe(6, 2222)
check("Redis on 2222: ssh probe heard nothing, redis probe named it (tried ssh,redis)",
      p.get("protocol") == "redis" and p.get("tried") == "ssh,redis" and p.get("attempts") == 2
      and (p.get("version") or "").startswith("7."), p)
has(6, 2222, {"redis-no-auth"}, "Redis on 2222")
r = rec(7, 6379)
check("HTTP on 6379: named by the redis probe, then GET by the HTTP stage (200, nginx)",
      probe(7, 6379).get("protocol") == "http" and probe(7, 6379).get("tried") == "redis,http"
      and r.get("http", {}).get("status_code") == 200
      and (r.get("http", {}).get("server") or "").startswith("nginx")
      and r.get("http", {}).get("title") == "nginx on 6379", (probe(7, 6379), r.get("http", {}).get("status")))
check("HTTP on 6379: graded as HTTP (2XX no auth: critical)", r.get("severity") == "critical"
      and "2XX" in r.get("severity_reason", ""), r.get("severity_reason"))
check("HTTP on 6379: tech Nginx", any(t["name"] == "Nginx" for t in r.get("tech", [])), r.get("tech"))
# FTP
for n in (8, 9):
    p = probe(n, 21)
    check(f"{n}:21 identified ftp / vsFTPd 3.0.x", p.get("protocol") == "ftp" and p.get("product") == "vsFTPd"
          and (p.get("version") or "").startswith("3.0"), p)
check("anonymous FTP: fact ftp.anonymous true", probe(8, 21).get("facts", {}).get("ftp.anonymous") is True, probe(8, 21))
has(8, 21, {"ftp-anonymous-login"}, "vsftpd anonymous_enable=YES")
check("no anonymous FTP: fact false", probe(9, 21).get("facts", {}).get("ftp.anonymous") is False, probe(9, 21))
lacks(9, 21, {"ftp-anonymous-login"}, "vsftpd anonymous_enable=NO")
p = probe(10, 990)
check("implicit FTPS on 990: TLS unwrapped, ftp / vsFTPd inside", p.get("protocol") == "ftp" and p.get("inner") == "tls"
      and p.get("product") == "vsFTPd", p)
check("FTPS certificate recorded", (rec(10, 990).get("tls") or {}).get("subject_cn") == "xsvc.test", rec(10, 990).get("tls"))
has(10, 990, {"tls-service-cert-self-signed"}, "FTPS with a self-signed certificate")
p = probe(19, 4990)
check("TLS on an unlisted port (4990): banner heard nothing, the fallbacks reached TLS, ftp inside",
      p.get("protocol") == "ftp" and p.get("inner") == "tls" and p.get("product") == "vsFTPd"
      and p.get("tried") == "banner,redis,tls" and (rec(19, 4990).get("tls") or {}).get("subject_cn") == "xsvc.test", (p, rec(19, 4990).get("http", {}).get("error")))
has(19, 4990, {"tls-service-cert-self-signed"}, "FTPS on 4990")
check("990 written as FTPS, not SFTP", rec(10, 990).get("protocol") == "FTPS", rec(10, 990).get("protocol"))
# SMB
for n in (11, 12):
    p = probe(n, 445)
    check(f"{n}:445 smb / Samba, no dialect in the version field", p.get("protocol") == "smb"
          and p.get("product") == "Samba" and p.get("version") not in ("3.1.1", "3.0.2") and p.get("dialects"), p)
    smb = p.get("smb") or {}
    check(f"{n}:445 the NTLMSSP CHALLENGE named the server (NetBIOS computer, NTLM version)",
          smb.get("netbios_computer") and smb.get("ntlm_version") == "6.1.0", smb)
smb = probe(11, 445).get("smb") or {}
check("Samba NT1: version from SMB1 NativeLanMan (Samba 4.17.x), NativeOS, workgroup WORKGROUP",
      re.match(r"^4\.17\.\d+$", probe(11, 445).get("version") or "") and smb.get("native_os") == "Windows 6.1"
      and (smb.get("native_lanman") or "").startswith("Samba 4.17.") and smb.get("workgroup") == "WORKGROUP",
      (probe(11, 445).get("version"), smb))
check("Samba SMB2 only: no version (Samba says none before a login)", probe(12, 445).get("version") is None,
      probe(12, 445).get("version"))
check("map to guest = Bad User: the guest SESSION_SETUP got a guest session (smb.guest true)",
      probe(11, 445).get("facts", {}).get("smb.guest") is True and smb.get("session") == "guest", probe(11, 445))
check("no guest mapping: the guest SESSION_SETUP refused (smb.guest false, LOGON_FAILURE)",
      probe(12, 445).get("facts", {}).get("smb.guest") is False
      and (probe(12, 445).get("smb") or {}).get("session") == "refused"
      and "guest_status=0xc000006d" in (probe(12, 445).get("detail") or ""), probe(12, 445))
has(11, 445, {"smb-guest-access"}, "Samba with map to guest = Bad User")
lacks(12, 445, {"smb-guest-access"}, "Samba without guest mapping")
has(11, 445, {"eol-samba"}, "Samba 4.17 (said over SMB1)")
lacks(12, 445, {"eol-samba"}, "Samba that says no version")
check("Samba NT1: smb.v1 true, dialects 3.1.1 then NT LM 0.12", probe(11, 445).get("facts", {}).get("smb.v1") is True
      and probe(11, 445).get("dialects") == "3.1.1,NT LM 0.12", probe(11, 445))
check("Samba SMB2+: dialect 3.1.1 negotiated, no SMB1", probe(12, 445).get("dialects") == "3.1.1", probe(12, 445))
has(11, 445, {"smb-v1-enabled", "smb-signing-not-required"}, "Samba min protocol NT1, signing auto")
check("Samba SMB2_02 + mandatory signing: smb.v1 false, signing required",
      probe(12, 445).get("facts", {}).get("smb.v1") is False
      and probe(12, 445).get("facts", {}).get("smb.signing_required") is True, probe(12, 445))
lacks(12, 445, {"smb-v1-enabled", "smb-signing-not-required"}, "hardened Samba")
# databases
check("PostgreSQL ssl=off: tls false", probe(13, 5432).get("tls") is False, probe(13, 5432))
has(13, 5432, {"postgresql-no-tls"}, "PostgreSQL ssl=off")
check("PostgreSQL ssl=on: tls true", probe(14, 5432).get("tls") is True, probe(14, 5432))
lacks(14, 5432, {"postgresql-no-tls"}, "PostgreSQL ssl=on")
for n in (15, 16):
    p = probe(n, 3306)
    check(f"{n}:3306 mysql / MariaDB 10.x", p.get("protocol") == "mysql" and p.get("product") == "MariaDB"
          and re.match(r"^1\d\.", p.get("version") or ""), p)
has(15, 3306, {"mysql-no-tls"}, "MariaDB without TLS")
lacks(16, 3306, {"mysql-no-tls"}, "MariaDB with ssl-cert")
lacks(15, 3306, {"eol-mariadb"}, "MariaDB 10.11 is supported")
check("memcached: auth none", probe(17, 11211).get("auth") == "none", probe(17, 11211))
has(17, 11211, {"memcached-no-auth"}, "memcached without SASL")
if (f"{A}.18", 3389) in recs:
    check("xrdp: rdp, no NLA", probe(18, 3389).get("protocol") == "rdp", probe(18, 3389))
    has(18, 3389, {"rdp-no-nla"}, "xrdp (no CredSSP)")
# SMTP: Postfix with and without STARTTLS (nmap -sV says "Postfix smtpd", no version: Postfix gives none)
if (f"{A}.20", 25) in recs:
    for n in (20, 21):
        p = probe(n, 25)
        check(f"{n}:25 smtp / Postfix, no version, the EHLO keywords recorded", p.get("protocol") == "smtp"
              and p.get("product") == "Postfix" and p.get("version") is None
              and "ehlo=PIPELINING," in (p.get("detail") or "") and "SIZE" in (p.get("detail") or ""), p)
    check("Postfix smtpd_tls_security_level=may: STARTTLS offered (smtp.starttls true, tls true)",
          probe(20, 25).get("facts", {}).get("smtp.starttls") is True and probe(20, 25).get("tls") is True
          and ",STARTTLS," in probe(20, 25).get("detail", ""), probe(20, 25))
    lacks(20, 25, {"smtp-no-starttls"}, "Postfix with STARTTLS")
    check("Postfix smtpd_tls_security_level=none: no STARTTLS (smtp.starttls false)",
          probe(21, 25).get("facts", {}).get("smtp.starttls") is False and probe(21, 25).get("tls") is False
          and "STARTTLS" not in probe(21, 25).get("detail", ""), probe(21, 25))
    has(21, 25, {"smtp-no-starttls"}, "Postfix without STARTTLS")
# findings carry CWE and remediation
i = [x for x in rec(4, 6379).get("config_issues", []) if x["id"] == "redis-no-auth"]
check("finding carries CWE and remediation", i and i[0].get("cwe") == 306 and "requirepass" in i[0].get("remediation", ""), i)
# the seed's default: a non-HTTP endpoint is graded by its handshake
check("default policy: redis with auth still graded by the handshake (critical)",
      rec(5, 6379).get("severity") == "critical" and rec(5, 6379).get("severity_reason") == "TCP handshake succeeded",
      rec(5, 6379).get("severity_reason"))
print(f"PY {ok} {bad}")
PY
grep -v '^PY ' "$WORK/py.out"
read -r _ pok pbad < <(grep '^PY ' "$WORK/py.out" || echo "PY 0 1")
PASSED=$((PASSED + pok)); FAILED=$((FAILED + pbad))

echo "-- what reached the wire (FTP, in the sink)"
tcpdump -r "$WORK/wire.pcap" -A 'tcp dst port 21' 2>/dev/null | grep -aoE '(USER|PASS|LIST|NLST|RETR|STOR|CWD|PASV|PORT|QUIT|DELE|MKD)( [^ .]*)?' \
    | sort | uniq -c >"$WORK/ftp-cmds.txt"
cmds=$(awk '{ $1=""; print }' "$WORK/ftp-cmds.txt" | sed 's/^ //' | sort -u | tr '\n' '|')
check "FTP probes sent only USER anonymous, PASS anonymous@, QUIT (got: $cmds)" \
    [ "$cmds" = "PASS anonymous@|QUIT|USER anonymous|" ]
if command -v postfix >/dev/null; then
    smtp_cmds=$(tcpdump -r "$WORK/wire.pcap" -A 'tcp dst port 25' 2>/dev/null \
        | grep -aoE '(HELO|EHLO) [a-z.]*invalid|MAIL FROM|RCPT TO|DATA|VRFY|EXPN|STARTTLS|AUTH|QUIT|RSET' | sort -u | tr '\n' '|')
    check "SMTP probes sent only EHLO and QUIT (got: $smtp_cmds)" [ "$smtp_cmds" = "EHLO xsweep.invalid|QUIT|" ]
fi
# SMB: only NEGOTIATE and SESSION_SETUP (SMB2), NEGOTIATE and SESSION_SETUP_ANDX (SMB1) were sent;
# the one login is "guest" (NTLMSSP AUTHENTICATE); no share was ever connected.
smb_cmds=$(python3 - "$WORK/wire.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
at, seen, users = 24, set(), set()
while at + 16 <= len(d):
    _, _, incl, _ = struct.unpack_from("<IIII", d, at); pkt = d[at + 16:at + 16 + incl]; at += 16 + incl
    if len(pkt) < 14 + 20 or pkt[12:14] != b"\x08\x00": continue
    ihl = (pkt[14] & 15) * 4; tcp = pkt[14 + ihl:]
    if struct.unpack_from(">H", tcp, 2)[0] != 445: continue
    pl = tcp[(tcp[12] >> 4) * 4:]
    for i in range(len(pl) - 16):
        if pl[i:i + 4] == b"\xfeSMB": seen.add("smb2:%d" % struct.unpack_from("<H", pl, i + 12)[0])
        if pl[i:i + 4] == b"\xffSMB": seen.add("smb1:0x%02x" % pl[i + 4])
        if pl[i:i + 12] == b"NTLMSSP\x00\x03\x00\x00\x00":
            ul, _, uo = struct.unpack_from("<HHI", pl, i + 36); users.add(pl[i + uo:i + uo + ul].decode("utf-16le", "replace"))
print(",".join(sorted(seen)) + " users=" + ",".join(sorted(users)))
PY
)
check "SMB probes sent only NEGOTIATE/SESSION_SETUP, the login as guest (got: $smb_cmds)" \
    [ "$smb_cmds" = "smb1:0x72,smb1:0x73,smb2:0,smb2:1 users=guest" ]
n2222=$(tcpdump -r "$WORK/wire.pcap" -nn 'tcp dst port 2222 and tcp[tcpflags] & tcp-syn != 0' 2>/dev/null | awk '{print $1}')
gap=$(echo "$n2222" | awk -F: 'NF { t = $1*3600 + $2*60 + $3; if (p) { d = t - p; if (min == "" || d < min) min = d } p = t } END { print min }')
check "Redis on 2222: SYN, probe, fallback probe at least 1 s apart on the wire (min gap ${gap:-none} s)" \
    awk -v g="${gap:-0}" 'BEGIN { exit !(g >= 1.0) }'

echo "-- -oX and -oC of the same run"
printf '%s\n' $A.6:2222 $A.3:8080 $A.10:990 $A.11:445 >"$WORK/few.txt"
in_scan "$XSWEEP" "${NET[@]}" --endpoints "$WORK/few.txt" --rate 1000 --wait 1 --connect-timeout 2 \
    --http-timeout 4 -oX -o "$WORK/out.xml" 2>/dev/null
check "-oX: Redis on 2222 written as redis, product, version, method=probed (got: $(grep -oE 'portid="2222">.{0,200}' "$WORK/out.xml" | grep -oE '<service [^>]*>' | head -1))" \
    grep -qE 'portid="2222">.*<service name="redis" product="redis" version="7\.[^"]*"[^>]*method="probed"' "$WORK/out.xml"
check "-oX: SSH on 8080 written as ssh / OpenSSH" \
    grep -qE 'portid="8080">.*<service name="ssh" product="OpenSSH" version="9\.' "$WORK/out.xml"
check "-oX: 990 written as ftp / vsFTPd (probed inside TLS)" \
    grep -qE 'portid="990">.*<service name="ftp" product="vsFTPd"' "$WORK/out.xml"
check "-oX: Samba with the version it said (SMB1 NativeLanMan), not a dialect" \
    grep -qE 'portid="445">.*<service name="microsoft-ds" product="Samba" version="4\.17\.[0-9]+" extrainfo' "$WORK/out.xml"
in_scan "$XSWEEP" "${NET[@]}" --endpoints "$WORK/few.txt" --rate 1000 --wait 1 --connect-timeout 2 \
    --http-timeout 4 -oC -o "$WORK/out.csv" 2>/dev/null
check "-oC: product, version and service columns (Redis on 2222: redis 7.x, service redis)" \
    python3 -c 'import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["ip"] == sys.argv[2] and r["port"] == "2222"]
sys.exit(not (rows and rows[0]["product"] == "redis" and rows[0]["version"].startswith("7.")
              and rows[0]["service"] == "redis" and rows[0]["protocol"] == "SSH"))' "$WORK/out.csv" "$A.6"

echo "-- a policy that grades by findings"
cp "$ROOT/data/policies/moderate.policy" "$WORK/byfindings.policy"
cat >>"$WORK/byfindings.policy" <<'POL'
finding   redis-auth-required   medium  medium  "Redis that requires auth"
finding   ftp-anonymous-login   high    high    "anonymous FTP"
POL
printf '%s\n' $A.4:6379 $A.5:6379 $A.8:21 $A.9:21 >"$WORK/pol.txt"
in_scan "$XSWEEP" "${NET[@]}" --endpoints "$WORK/pol.txt" --rate 1000 --wait 1 --connect-timeout 2 \
    --policy "$WORK/byfindings.policy" -o "$WORK/pol.json" 2>"$WORK/pol.err"
sev() { jq -r --arg ip "$1" --argjson p "$2" 'select(.ip == $ip and .port == $p) | .severity + "/" + .severity_reason' "$WORK/pol.json"; }
check "policy: Redis that requires auth lowered to medium ($(sev $A.5 6379))" [ "$(sev $A.5 6379)" = "medium/Redis that requires auth" ]
check "policy: Redis without auth keeps the handshake grade ($(sev $A.4 6379))" [ "$(sev $A.4 6379)" = "critical/TCP handshake succeeded" ]
check "policy: anonymous FTP graded high ($(sev $A.8 21))" [ "$(sev $A.8 21)" = "high/anonymous FTP" ]
check "policy: FTP without anonymous keeps the handshake grade ($(sev $A.9 21))" [ "$(sev $A.9 21)" = "critical/TCP handshake succeeded" ]
check "the three seed policies are unchanged" git -C "$ROOT" diff --quiet HEAD -- data/policies

if [ "${XSVC_NMAP:-1}" != 0 ] && command -v nmap >/dev/null; then
    echo "-- nmap -sV --script default,safe on the same endpoints (reference)"
    ips=$(printf '%s\n' "${ENDPOINTS[@]}" | cut -d: -f1 | sort -u | tr '\n' ' ')
    ports=$(printf '%s\n' "${ENDPOINTS[@]}" | cut -d: -f2 | sort -un | tr '\n' ',' | sed 's/,$//')
    t0=$(date +%s.%N)
    in_scan timeout 110 nmap -n -Pn -sS -sV -p "$ports" -T4 --host-timeout 100s \
        --script "(default and safe) or ssh2-enum-algos or smb-protocols or rdp-enum-encryption or smb-os-discovery or smb-security-mode" \
        -oX "$WORK/nmap.xml" $ips >"$WORK/nmap.txt" 2>&1
    NM_SECS=$(echo "$(date +%s.%N) - $t0" | bc)
    echo "  nmap: ${NM_SECS} s for ${#ENDPOINTS[@]} endpoints ($(echo $ips | wc -w) hosts x ports $ports); xsweep: ${XS_SECS} s"
    echo "  ratio nmap/xsweep: $(echo "scale=1; $NM_SECS / $XS_SECS" | bc)"
    for ep in $A.6:2222 $A.3:8080 $A.7:6379 $A.10:990 $A.11:445 $A.12:445 $A.20:25 $A.21:25; do
        svc=$(python3 - "$WORK/nmap.xml" "$ep" <<'PY'
import sys, xml.etree.ElementTree as ET
ip, port = sys.argv[2].split(":")
for h in ET.parse(sys.argv[1]).getroot().iter("host"):
    if h.find("address").get("addr") != ip: continue
    for p in h.iter("port"):
        if p.get("portid") == port:
            s = p.find("service")
            print(" ".join(f"{k}={s.get(k)}" for k in ("name", "product", "version", "tunnel") if s is not None and s.get(k)))
PY
)
        echo "  nmap $ep: $svc"
    done
    echo "  nmap smb scripts: $(grep -E 'account_used|OS: Windows|Message signing' "$WORK/nmap.txt" | tr -s ' |_' ' ' | tr '\n' ';')"
    cp "$WORK/nmap.txt" "$WORK/nmap.xml" "${XSVC_NMAP_OUT:-$WORK}/" 2>/dev/null
fi
[ -n "${XSVC_KEEP:-}" ] && rm -rf "$XSVC_KEEP" && cp -a "$WORK" "$XSVC_KEEP"
finish
