$TTL 3600
@       IN SOA  ns1.example.com. hostmaster.example.com. (
                1742000001 ; serial
                3600       ; refresh
                900        ; retry
                1209600    ; expire
                300 )      ; negative-caching TTL
        IN NS   ns1
ns1     IN A    192.0.2.1
www     IN A    192.0.2.67
