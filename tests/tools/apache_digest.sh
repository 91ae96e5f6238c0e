# Sourced by the HTTP test suites: apache2 with mod_auth_digest over $WORK/www, one config for both.
# write_apache_digest_conf WORK LISTEN   (LISTEN: "8000" or "127.0.0.1:PORT"; needs WORK/htdigest)
write_apache_digest_conf() {
    local work=$1 listen=$2 m=/usr/lib/apache2/modules
    cat > "$work/apache.conf" <<APA
ServerRoot $work
ServerName localhost
Listen $listen
PidFile $work/apache.pid
ErrorLog $work/apache-error.log
User nobody
Group nogroup
LoadModule mpm_event_module $m/mod_mpm_event.so
LoadModule authn_core_module $m/mod_authn_core.so
LoadModule authn_file_module $m/mod_authn_file.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule authz_user_module $m/mod_authz_user.so
LoadModule auth_digest_module $m/mod_auth_digest.so
DocumentRoot $work/www
<Location />
    AuthType Digest
    AuthName "digest-realm"
    AuthDigestProvider file
    AuthUserFile $work/htdigest
    Require valid-user
</Location>
APA
}
