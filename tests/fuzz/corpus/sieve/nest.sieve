if not not not not not not not not not not not not not not true { if true { if true { if true { stop; } } } }
