"""One package per format halint reads: its recognition, reader, model and evaluation. The
only place that touches Lark, dnspython's tokenizer or a format's parser library."""
