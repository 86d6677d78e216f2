$TTL 86400
@ IN SOA ns1.leidoscope.com. admin.leidoscope.com. (2025110408 3600 1800 1209600 86400)
@ IN NS ns1.leidoscope.com.
ns1 IN A 10.51.10.11
@ IN A 10.51.10.11
www IN A 10.51.10.11
