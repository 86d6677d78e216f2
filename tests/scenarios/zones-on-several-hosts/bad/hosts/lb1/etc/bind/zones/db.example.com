$TTL 3600
@ IN SOA ns1.example.com. hostmaster.example.com. (2025010102 3600 900 1209600 300)
@ IN NS ns1.example.com.
ns1 IN A 10.0.10.100
www IN A 10.0.10.100
mail IN A 10.0.10.100
