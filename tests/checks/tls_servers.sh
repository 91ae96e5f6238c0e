# Sourced by the TLS tests and bench/tls_compare.sh: certificates from a throwaway CA and one
# nginx with a bad and a good TLS configuration per address (198.19.5.N:443), plus the SSLv3
# stub on 198.19.5.8. Needs WORK, ROOT and SINK (a command prefix that runs in the sink).
#   N  scenario          expected xsweep findings
#   1  old protocols     tls-deprecated-protocol
#   2  NULL and anonymous suites (3DES, RC4, DES are compiled out of Debian's OpenSSL)  tls-weak-cipher
#   3  self-signed       tls-cert-self-signed
#   4  expired           tls-cert-expired
#   5  name mismatch     tls-hostname-mismatch
#   6  chain incomplete  tls-cert-chain
#   7  1024-bit RSA      tls-weak-key
#   8  SSLv3 (stub)      tls-sslv3
#   9  good (the fixed twin of every one above)  none
TLS_SCENARIOS=9
tls_certs() {
    local d=$WORK/pki; mkdir -p "$d/newcerts"; : >"$d/index.txt"; echo 01 >"$d/serial"
    cat >"$d/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $d/index.txt
new_certs_dir = $d/newcerts
serial = $d/serial
default_md = sha256
policy = p
copy_extensions = copy
unique_subject = no
[p]
commonName = supplied
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
CNF
    openssl req -x509 -newkey rsa:2048 -nodes -days 400 -subj "/CN=xsweep test root" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
        -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
    openssl req -new -newkey rsa:2048 -nodes -subj "/CN=xsweep test intermediate" \
        -keyout "$d/int.key" -out "$d/int.csr" 2>/dev/null
    openssl ca -batch -config "$d/ca.cnf" -cert "$d/ca.pem" -keyfile "$d/ca.key" -extensions v3_ca \
        -days 400 -in "$d/int.csr" -out "$d/int.pem" -notext 2>/dev/null
    leaf() {   # leaf NAME SAN BITS CA_PEM CA_KEY [ca args...]
        local n=$1 san=$2 bits=$3 cap=$4 cak=$5; shift 5
        openssl req -new -newkey rsa:$bits -nodes -subj "/CN=$n" -addext "subjectAltName=$san" \
            -keyout "$d/$n.key" -out "$d/$n.csr" 2>/dev/null
        openssl ca -batch -config "$d/ca.cnf" -cert "$cap" -keyfile "$cak" -in "$d/$n.csr" \
            -out "$d/$n.pem" -notext "$@" 2>/dev/null
    }
    leaf good DNS:tls.test 2048 "$d/ca.pem" "$d/ca.key" -days 365
    leaf expired DNS:tls.test 2048 "$d/ca.pem" "$d/ca.key" -startdate 20240101000000Z -enddate 20240301000000Z
    leaf other DNS:other.test 2048 "$d/ca.pem" "$d/ca.key" -days 365
    leaf chained DNS:tls.test 2048 "$d/int.pem" "$d/int.key" -days 365
    leaf small DNS:tls.test 1024 "$d/ca.pem" "$d/ca.key" -days 365
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=tls.test" \
        -addext "subjectAltName=DNS:tls.test" -keyout "$d/self.key" -out "$d/self.pem" 2>/dev/null
}
tls_servers_up() {
    tls_certs
    local d=$WORK/pki strong="ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM"
    mkdir -p "$WORK/tmp"
    srv() {   # srv N CERT PROTOCOLS CIPHERS
        printf '    server { listen 198.19.5.%s:443 ssl; ssl_certificate %s/%s.pem; ssl_certificate_key %s/%s.key;\n' "$1" "$d" "$2" "$d" "$2"
        printf '             ssl_protocols %s; ssl_ciphers "%s"; location / { return 200 "tls %s\\n"; } }\n' "$3" "$4" "$1"
    }
    {
        echo "worker_processes 1; daemon off; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log;"
        echo "events { worker_connections 256; }"
        echo "http { access_log off; client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp;"
        echo "    fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;"
        srv 1 good "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3" "$strong:ECDHE+AES:@SECLEVEL=0"
        srv 2 good "TLSv1.2 TLSv1.3" "$strong:NULL-SHA256:ECDHE-RSA-NULL-SHA:AECDH-AES128-SHA:@SECLEVEL=0"
        srv 3 self "TLSv1.2 TLSv1.3" "$strong"
        srv 4 expired "TLSv1.2 TLSv1.3" "$strong"
        srv 5 other "TLSv1.2 TLSv1.3" "$strong"
        srv 6 chained "TLSv1.2 TLSv1.3" "$strong"
        srv 7 small "TLSv1.2 TLSv1.3" "$strong:@SECLEVEL=0"
        srv 9 good "TLSv1.2 TLSv1.3" "$strong"
        echo "}"
    } >"$WORK/nginx-tls.conf"
    # The weak servers need security level 0 before their certificates load (1024-bit key).
    printf 'openssl_conf = init\n[init]\nssl_conf = ssl_sect\n[ssl_sect]\nsystem_default = sys\n[sys]\nCipherString = DEFAULT:@SECLEVEL=0\nMinProtocol = TLSv1\n' \
        >"$WORK/openssl-weak.cnf"
    chmod -R a+rX "$WORK"
    "${SINK[@]}" env OPENSSL_CONF="$WORK/openssl-weak.cnf" nginx -c "$WORK/nginx-tls.conf" -p "$WORK" \
        2>"$WORK/nginx.stderr" & PIDS+=($!)
    "${SINK[@]}" python3 "$ROOT/tests/checks/sslv3_stub.py" 198.19.5.8 "$d/good.pem" "$d/good.key" \
        >"$WORK/stub.log" 2>&1 & PIDS+=($!)
    for n in 1 2 3 4 5 6 7 8 9; do
        for _ in $(seq 50); do
            "${SINK[@]}" ss -ltnH "src 198.19.5.$n:443" | grep -q LISTEN && break
            sleep 0.1
        done
    done
}
