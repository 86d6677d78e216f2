$TTL 3600
@ IN SOA ns1.example.com. hostmaster.example.com. (2025010101 3600 900 1209600 300)
@ IN NS ns1.example.com.
ns1 IN A 10.0.10.100
www IN A 10.0.10.11
lb1 IN A 10.0.10.11
lb2 IN A 10.0.10.12
