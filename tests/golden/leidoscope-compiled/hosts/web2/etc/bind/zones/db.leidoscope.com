$TTL 86400
@ IN SOA ns1.leidoscope.com. admin.leidoscope.com. (2025112500 3600 1800 604800 86400)
@ IN NS ns1.leidoscope.com.
ns1 IN A 10.51.10.67
@ IN A 10.51.10.67
www IN A 10.51.10.67
