/* The seed's "Supported protocol-specific and HTTP/S ports" table, one row per (port, protocol),
 * in the seed's order: a port listed twice (6443, 10250) resolves to its first protocol. */
#include "xsweep/targets.h"

#define ROW(port, proto) { port, proto, false }
#define HTTP(port)       { port, "HTTP/S", true }

const xs_supported_port xs_supported_ports[] = {
    ROW(21, "FTP"),
    ROW(22, "SSH"), ROW(2222, "SSH"),
    ROW(25, "SMTP"),
    HTTP(80), HTTP(443), HTTP(591), HTTP(1443), HTTP(2443), HTTP(3443), HTTP(4443), HTTP(5443),
    HTTP(6443), HTTP(7443), HTTP(7990), HTTP(8000), HTTP(8001), HTTP(8008), HTTP(8080), HTTP(8081),
    HTTP(8082), HTTP(8088), HTTP(8443), HTTP(8800), HTTP(8808), HTTP(8880), HTTP(8881), HTTP(8882),
    HTTP(8888), HTTP(9000), HTTP(9090), HTTP(10000),
    ROW(445, "SMB"),
    ROW(500, "IPSec Key Exchange"),
    ROW(990, "SFTP"),
    ROW(1433, "MSSQL"),
    ROW(3000, "Grafana"),
    ROW(3306, "MySQL"),
    ROW(3342, "Public managed SQL"),
    ROW(3389, "RDP"),
    ROW(5000, "UPnP"),
    ROW(5432, "PostgreSQL"),
    ROW(5985, "WINRM HTTP"),
    ROW(5986, "WINRM HTTPS"),
    ROW(6379, "Redis"),
    ROW(6443, "Kubernetes API"), ROW(10250, "Kubernetes API"),
    ROW(7000, "Cassandra"),
    ROW(7001, "Cassandra SSL"),
    ROW(9200, "Elasticsearch"),
    ROW(10250, "Kubernetes"),
    ROW(11211, "Memcached"),
    ROW(15006, "Istio"), ROW(15010, "Istio"), ROW(15012, "Istio"), ROW(15021, "Istio"),
    ROW(27017, "MongoDB"),
};

const size_t xs_supported_ports_count = sizeof xs_supported_ports / sizeof xs_supported_ports[0];

const char *xs_supported_protocol(uint16_t port)
{
    for (size_t i = 0; i < xs_supported_ports_count; i++)
        if (xs_supported_ports[i].port == port)
            return xs_supported_ports[i].protocol;
    return NULL;
}

bool xs_port_is_http(uint16_t port)
{
    for (size_t i = 0; i < xs_supported_ports_count; i++)
        if (xs_supported_ports[i].port == port && xs_supported_ports[i].http)
            return true;
    return false;
}
