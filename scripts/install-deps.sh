#!/usr/bin/env bash
# Installs every Debian package xsweep's build, tests, demo and benchmarks need (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PKGS=(
  # build
  build-essential clang lld pkg-config
  libpcap-dev libnet1-dev libssl-dev libjemalloc-dev libpcre2-dev libjansson-dev libsqlite3-dev
  libmnl-dev   # route and neighbour discovery over netlink
  mandoc       # make lint: the man page checked with mandoc -Tlint
  clang-format # make lint: the C sources checked against .clang-format (make format applies it)
  # HTML parsing: SSO hand-offs, titles and their entities, Wappalyzer dom selectors
  libgumbo-dev
  # tests
  libcmocka-dev iproute2 tcpdump netcat-openbsd python3 procps psmisc jq sqlite3 openssl
  nginx-light apache2 apache2-utils redis-server openssh-server memcached postgresql mariadb-server
  # privilege separation: the HTTP stage's seccomp filter
  libseccomp-dev
  # protocol probes and services rules (tests/integration/test_services.sh): real FTP, SMB, SMTP, RDP
  vsftpd samba postfix xrdp
  # validation screenshots (--screenshots)
  chromium
  # active checks (--checks): YAML check templates; the TLS audit's comparison (bench/tls_compare.sh)
  libyaml-dev
  testssl.sh sslscan
  # the TLS audit of STARTTLS services (tests/integration/test_tlscheck_starttls.sh): IMAP and POP3
  dovecot-imapd dovecot-pop3d
  slapd        # LDAP StartTLS (the test starts its own slapd in the sink; no database)
  prosody      # XMPP <starttls/> (the test starts its own, one VirtualHost per address)
  # benchmarks and comparisons
  masscan zmap nmap ndiff xsltproc time linux-perf
  # output formats test: xmllint validates -oX (and resumed -oX) documents
  libxml2-utils
  # weekly runs
  systemd
  # fleet: PostgreSQL shared store and the agent's HTTPS (build), their tests
  libpq-dev libcurl4-openssl-dev postgresql python3-yaml
  # --sender xdp (AF_XDP transmit, issue 10)
  libxdp-dev libbpf-dev
  # bench/run.sh NIC-like sink (nft netdev ingress drop hook, issue 10)
  nftables
)
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${PKGS[@]}" >/dev/null
# The fingerprint data comes from the npm registry: use the machine's npm, or Debian's.
command -v npm >/dev/null || apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
# Debian starts some daemons on install; the tests start their own copies inside namespaces.
for svc in nginx apache2 redis-server ssh memcached postgresql mariadb vsftpd smbd nmbd postfix xrdp dovecot slapd prosody; do
  (service "$svc" stop || true) >/dev/null 2>&1
done
here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$here/fetch-fingerprints.sh" ]; then "$here/fetch-fingerprints.sh"; fi
echo "install-deps: done"
